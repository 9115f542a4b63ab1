import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { moveActive } from './hotlineDesk.js';

export interface SearchBoxProps<T> {
  /** The id of the input; the list and its options derive theirs from it. */
  id: string;
  label: string;
  placeholder: string;
  query: string;
  onQuery: (query: string) => void;
  options: readonly T[];
  optionKey: (option: T) => string;
  renderOption: (option: T) => ReactNode;
  onPick: (option: T) => void;
  /** Said under the input when the list is open and empty (searching, nothing found, failed). */
  status: string | null;
  testId: string;
}

/**
 * A text box with a list of live results under it (the ARIA combobox pattern): typing opens the list,
 * ↓/↑ move through it, Enter picks (the first result when none is active), Escape closes it; a click
 * picks too. What is listed comes from the caller (a server search or a local filter).
 */
export function SearchBox<T>({ id, label, placeholder, query, onQuery, options, optionKey, renderOption, onPick, status, testId }: SearchBoxProps<T>) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = `${id}-list`;
  const showing = open && query.trim() !== '';
  const pick = (option: T) => {
    onPick(option);
    setOpen(false);
    setActive(-1);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        setOpen(true);
        setActive((a) => moveActive(a, options.length, e.key === 'ArrowDown' ? 1 : -1));
        break;
      case 'Enter': {
        const option = options[active] ?? (showing ? options[0] : undefined);
        if (!option) return;
        pick(option);
        break;
      }
      case 'Escape':
        if (!showing) return;
        setOpen(false);
        setActive(-1);
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  return (
    <div className="search-box">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-expanded={showing}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showing && active >= 0 ? `${id}-opt-${active}` : undefined}
        placeholder={placeholder}
        value={query}
        onChange={(e) => {
          onQuery(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        // Later than a click on an option, which picks first.
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      {showing && options.length === 0 && status && (
        <p className="search-results search-status" role="status" data-testid={`${testId}-status`}>
          {status}
        </p>
      )}
      {showing && options.length > 0 && (
        <ul className="search-results" id={listId} role="listbox" aria-label={label} data-testid={`${testId}-results`}>
          {options.map((option, i) => (
            <li
              key={optionKey(option)}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              data-testid={`${testId}-option`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(option)}
              onMouseEnter={() => setActive(i)}
            >
              {renderOption(option)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
