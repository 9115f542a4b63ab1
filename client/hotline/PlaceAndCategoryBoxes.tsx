import { useTranslation } from 'react-i18next';
import type { Category, Place } from '../../shared/index.js';
import { isEnglish } from '../cases/format.js';
import { SearchBox, type SearchBoxProps } from './SearchBox.js';

/** `onPick` also gets the text the box keeps once the option is picked. */
type BoxProps<T> = Omit<SearchBoxProps<T>, 'optionKey' | 'renderOption' | 'onPick' | 'testId'> & { onPick: (option: T, label: string) => void };

export const localName = (n: { zh: string; en: string }, language: string) => (isEnglish(language) ? n.en : n.zh);

/** The code goes first: operators and inspectors know the catalogue by its codes. */
export const categoryLabel = (c: Category, language: string) => `${c.code} ${localName(c.name, language)}`;

/**
 * The city's places found by name (the 12345 desk's and the inspectors' phone's); each option says
 * what kind of place it is and where it lies, as two places often share a name.
 */
export function PlaceSearchBox({ onPick, ...box }: BoxProps<Place>) {
  const { t, i18n } = useTranslation();
  const nameOf = (n: { zh: string; en: string }) => localName(n, i18n.language);
  return (
    <SearchBox<Place>
      {...box}
      testId="place-search"
      optionKey={(p) => p.id}
      onPick={(place) => onPick(place, nameOf(place.name))}
      renderOption={(p) => (
        <>
          <span className={`place-kind place-kind-${p.kind}`}>{t(`hotline.kinds.${p.kind}`)}</span>
          <span className="option-name">{nameOf(p.name)}</span>
          <span className="option-extra muted">{p.context ? nameOf(p.context) : (p.code ?? '')}</span>
        </>
      )}
    />
  );
}

/** The problem categories, each option with its code and its class to tell near names apart. */
export function CategorySearchBox({ onPick, ...box }: BoxProps<Category>) {
  const { i18n } = useTranslation();
  const nameOf = (n: { zh: string; en: string }) => localName(n, i18n.language);
  return (
    <SearchBox<Category>
      {...box}
      testId="category-search"
      optionKey={(c) => c.code}
      onPick={(category) => onPick(category, categoryLabel(category, i18n.language))}
      renderOption={(c) => (
        <>
          <span className="option-code">{c.code}</span>
          <span className="option-name">{nameOf(c.name)}</span>
          <span className="option-extra muted">{nameOf(c.className)}</span>
        </>
      )}
    />
  );
}
