import { useMemo, useReducer, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SELF_HANDLED_MIN_PHOTOS, type BBox, type Category, type NewIncident } from '../../shared/index.js';
import { categoryLabel, CategorySearchBox, localName, PlaceSearchBox } from '../hotline/PlaceAndCategoryBoxes.js';
import { usePlaceResults } from '../hotline/usePlaceResults.js';
import type { Position } from '../phone/hooks.js';
import { PhotoPicker, usePhotoShots } from '../phone/PhotoPicker.js';
import type { PhotoStore } from '../phone/photoStore.js';
import { favouriteCategories, searchCategories, type CategoryEntry, type CategoryUse } from './categorySearch.js';
import { draftPoint, draftProblems, draftReducer, EMPTY_DRAFT, reportOf, type PlaceMode } from './reportDraft.js';

const PLACE_MODES: readonly PlaceMode[] = ['gps', 'search', 'coords'];

export interface ReportTabProps {
  position: Position;
  online: boolean;
  categories: CategoryEntry[];
  use: CategoryUse;
  cityBbox: BBox | null;
  photos: PhotoStore;
  onUnauthenticated: () => void;
  /** Queues the report (its photos are in the photo store under these keys). */
  onReport: (report: NewIncident, photoKeys: string[], selfHandled: boolean) => void;
}

/**
 * 上报: where (the GPS fix, a place found by name, or coordinates), what (the category, searched by
 * name, pinyin initials or code, the most used first), a note, photos, and whether it was fixed on the
 * spot (自行处置: at least two photos, before and after). Sent through the outbox: it works offline.
 */
export function ReportTab({ position, online, categories, use, cityBbox, photos, onUnauthenticated, onReport }: ReportTabProps) {
  const { t, i18n } = useTranslation();
  const [draft, dispatch] = useReducer(draftReducer, EMPTY_DRAFT);
  const shots = usePhotoShots(photos);
  const [tried, setTried] = useState(false);
  const places = usePlaceResults(draft.placeMode === 'search' && online ? draft.placeQuery : '', onUnauthenticated);
  const options = useMemo(() => searchCategories(categories, draft.categoryQuery, use), [categories, draft.categoryQuery, use]);
  const favourites = useMemo(() => favouriteCategories(categories, use), [categories, use]);
  const point = draftPoint(draft, position);
  const problems = draftProblems(draft, position, shots.shots.length, cityBbox);
  const pickCategory = (c: Category) => dispatch({ type: 'categoryPicked', category: c, label: categoryLabel(c, i18n.language) });

  const placeStatus = !online
    ? t('inspect.place.searchOffline')
    : places.status === 'failed'
      ? t('inspect.place.searchFailed')
      : places.status === 'done'
        ? t('inspect.place.nothing')
        : t('inspect.place.searching');

  const submit = () => {
    setTried(true);
    if (shots.adding || problems.length > 0 || !point) return;
    onReport(reportOf(draft, point), shots.keep(), draft.selfHandled);
    shots.clear();
    setTried(false);
    dispatch({ type: 'sent' });
  };

  return (
    <form
      className="task-form inspect-report"
      data-testid="report-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <fieldset className="inspect-field">
        <legend>{t('inspect.place.title')}</legend>
        <div className="segmented" role="radiogroup" aria-label={t('inspect.place.title')}>
          {PLACE_MODES.map((m) => (
            <button
              key={m}
              type="button"
              role="radio"
              aria-checked={draft.placeMode === m}
              className={draft.placeMode === m ? 'checked' : undefined}
              data-testid={`place-mode-${m}`}
              onClick={() => dispatch({ type: 'placeMode', mode: m })}
            >
              {t(`inspect.place.${m}`)}
            </button>
          ))}
        </div>
        {draft.placeMode === 'gps' && (
          <p className="inspect-where" data-testid="gps-fix">
            {position.state === 'ok'
              ? `${t('inspect.place.here', { lon: position.lon.toFixed(6), lat: position.lat.toFixed(6) })}${position.accuracy !== null ? t('inspect.place.accuracy', { m: Math.round(position.accuracy) }) : ''}`
              : position.state === 'locating'
                ? t('inspect.place.locating')
                : t('inspect.place.noFix')}
          </p>
        )}
        {draft.placeMode === 'search' && (
          <PlaceSearchBox
            id="inspect-place"
            label={t('inspect.place.searchLabel')}
            placeholder={t('inspect.place.searchPlaceholder')}
            query={draft.placeQuery}
            onQuery={(query) => dispatch({ type: 'placeQuery', query })}
            options={online ? places.items : []}
            status={placeStatus}
            onPick={(place, label) => dispatch({ type: 'placePicked', place, label })}
          />
        )}
        {draft.placeMode === 'coords' && (
          <div className="inspect-coords">
            <CoordInput label={t('inspect.place.lon')} testId="coord-lon" placeholder="119.9" value={draft.lonText} onChange={(lonText) => dispatch({ type: 'coords', lonText, latText: draft.latText })} />
            <CoordInput label={t('inspect.place.lat')} testId="coord-lat" placeholder="31.7" value={draft.latText} onChange={(latText) => dispatch({ type: 'coords', lonText: draft.lonText, latText })} />
          </div>
        )}
        {draft.placeMode !== 'gps' && point && (
          <p className="inspect-where small muted" data-testid="report-point">
            {t('inspect.place.point', { lon: point[0].toFixed(6), lat: point[1].toFixed(6) })}
          </p>
        )}
      </fieldset>

      <fieldset className="inspect-field">
        <CategorySearchBox
          id="inspect-category"
          label={t('inspect.category.label')}
          placeholder={t('inspect.category.placeholder')}
          query={draft.categoryQuery}
          onQuery={(query) => dispatch({ type: 'categoryQuery', query })}
          options={options}
          status={t('inspect.category.none')}
          onPick={(category, label) => dispatch({ type: 'categoryPicked', category, label })}
        />
        {favourites.length > 0 && (
          <div className="inspect-chips" data-testid="category-favourites">
            <span className="small muted">{t('inspect.category.frequent')}</span>
            {favourites.map((c) => (
              <button key={c.code} type="button" className={draft.categoryCode === c.code ? 'chip checked' : 'chip'} onClick={() => pickCategory(c)}>
                {localName(c.name, i18n.language)}
              </button>
            ))}
          </div>
        )}
      </fieldset>

      <label className="inspect-field">
        {t('inspect.note')}
        <textarea data-testid="report-note" rows={3} maxLength={2000} value={draft.note} placeholder={t('inspect.notePlaceholder')} onChange={(e) => dispatch({ type: 'note', value: e.target.value })} />
      </label>

      <div className="inspect-field">
        <span className="inspect-legend">{t('inspect.photos')}</span>
        <PhotoPicker shots={shots} testId="report-photos" />
      </div>

      <label className="inspect-check">
        <input type="checkbox" data-testid="self-handled" checked={draft.selfHandled} onChange={(e) => dispatch({ type: 'selfHandled', value: e.target.checked })} />
        <span>
          {t('inspect.selfHandled')}
          <span className="small muted">{t('inspect.selfHandledHint', { count: SELF_HANDLED_MIN_PHOTOS })}</span>
        </span>
      </label>

      {tried && problems.length > 0 && (
        <p className="form-error" role="alert" data-testid="report-problems">
          {problems.map((p) => t(`inspect.missing.${p}`)).join('；')}
        </p>
      )}
      <div className="task-actions">
        <button type="submit" className="task-btn" data-testid="report-submit" disabled={shots.adding}>
          {draft.selfHandled ? t('inspect.submitSelfHandled') : t('inspect.submit')}
        </button>
      </div>
    </form>
  );
}

/** Text, not a number input: the draft reads what a Chinese keyboard types too (full-width digits, spaces). */
function CoordInput({ label, testId, placeholder, value, onChange }: { label: string; testId: string; placeholder: string; value: string; onChange: (text: string) => void }) {
  return (
    <label>
      {label}
      <input data-testid={testId} type="text" inputMode="decimal" autoComplete="off" placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
