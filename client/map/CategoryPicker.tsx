import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, HotspotTheme } from '../../shared/index.js';
import { categoryGroups, toggleCategory, toggleGroup } from './categoryChoice.js';

/**
 * The density layers' category filter (案件类别): a search box and the theme's categories grouped by
 * family and class, each class switchable as a whole. Nothing chosen means every category of the theme.
 */
export function CategoryPicker(props: {
  catalog: ReadonlyMap<string, Category>;
  theme: HotspotTheme;
  chosen: string[] | undefined;
  onChange: (codes: string[] | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const [search, setSearch] = useState('');
  const groups = useMemo(() => categoryGroups(props.catalog.values(), props.theme, search), [props.catalog, props.theme, search]);
  const chosen = new Set(props.chosen ?? []);
  const name = (n: { zh: string; en: string }) => (zh ? n.zh : n.en);
  return (
    <details className="category-picker" data-testid="density-categories">
      <summary data-testid="density-categories-summary">
        {t('layers.categories')} · {chosen.size === 0 ? t('layers.all') : t('layers.categoriesChosen', { count: chosen.size })}
      </summary>
      <div className="category-tools">
        <input type="search" value={search} placeholder={t('layers.categorySearch')} onChange={(e) => setSearch(e.target.value)} data-testid="category-search" />
        <button type="button" disabled={chosen.size === 0} onClick={() => props.onChange(undefined)} data-testid="category-clear">
          {t('layers.categoryClear')}
        </button>
      </div>
      <div className="category-list">
        {groups.length === 0 && <div className="muted">{t('layers.categoryNone')}</div>}
        {groups.map((g) => {
          const on = g.categories.filter((c) => chosen.has(c.code)).length;
          return (
            <div key={g.key} className="category-group">
              <label className="category-class">
                <input
                  type="checkbox"
                  checked={on === g.categories.length}
                  ref={(el) => {
                    if (el) el.indeterminate = on > 0 && on < g.categories.length;
                  }}
                  onChange={() => props.onChange(toggleGroup(props.chosen, g))}
                  data-testid={`category-class-${g.key}`}
                />
                {t(g.family === 'E' ? 'legend.event' : 'legend.component')} · {name(g.className)}
              </label>
              {g.categories.map((c) => (
                <label key={c.code} className="category-item">
                  <input type="checkbox" checked={chosen.has(c.code)} onChange={() => props.onChange(toggleCategory(props.chosen, c.code))} data-testid={`category-${c.code}`} />
                  {name(c.name)} <span className="muted">{c.code}</span>
                </label>
              ))}
            </div>
          );
        })}
      </div>
    </details>
  );
}
