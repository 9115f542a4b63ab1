import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { HOTSPOT_THEMES, IncidentSource, type CampaignDetail, type CampaignMeasureKind, type CampaignWithProgress, type Category, type CityMeta, type Unit } from '../../shared/index.js';
import { ApiError } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { changeCampaign, createCampaign } from './campaignApi.js';
import { blankDraft, changeOf, draftOf, newCampaignOf, type CampaignDraft } from './campaignDraft.js';
import { CampaignAreaMap } from './CampaignAreaMap.js';
import { addVertex, areaKm2, areaProblem, clearArea, finishArea, moveVertex, undoVertex, type DrawnArea } from './drawnArea.js';
import { useDocumentTheme } from '../theme.js';

const MEASURES: CampaignMeasureKind[] = ['case_count', 'open_cases', 'source_share', 'congestion_index'];
const AREAS = ['district', 'towns', 'centre', 'polygon'] as const;

/**
 * A campaign made or edited by a leader or an admin (campaign.manage): its name, scope (theme and/or
 * categories, area), target, dates and responsible unit; and, when editing, its close or reopening.
 * The server decides what is valid: its 4xx message is shown under the form as it answered.
 */
export function CampaignForm(props: {
  campaign: CampaignWithProgress | null;
  city: CityMeta | null;
  units: ReadonlyMap<string, Unit>;
  categories: ReadonlyMap<string, Category>;
  onSaved: (saved: CampaignDetail) => void;
  onCancel: () => void;
  onUnauthenticated: () => void;
}) {
  const { campaign, city, units, categories, onSaved, onCancel } = props;
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const [draft, setDraft] = useState<CampaignDraft>(() => (campaign ? draftOf(campaign) : blankDraft(Date.now(), units.keys().next().value ?? '')));
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const set = <K extends keyof CampaignDraft>(key: K, value: CampaignDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const picked = (e: React.ChangeEvent<HTMLSelectElement>) => [...e.target.selectedOptions].map((o) => o.value);
  const theme = useDocumentTheme();
  const draw = (step: (a: DrawnArea) => DrawnArea) => setDraft((d) => ({ ...d, drawn: step(d.drawn) }));
  // A drawn area that cannot be sent is refused here, before the API sees it; shown once a save was tried.
  const drawnProblem = draft.areaKind === 'polygon' ? areaProblem(draft.drawn) : null;
  const [areaTried, setAreaTried] = useState(false);

  const save = async (body: () => Promise<CampaignDetail>) => {
    setBusy(true);
    setRefusal(null);
    try {
      onSaved(await body());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return props.onUnauthenticated();
      setRefusal(refusalText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const submit = () => {
    if (drawnProblem) return setAreaTried(true);
    void save(() => (campaign ? changeCampaign(campaign.id, changeOf(draft)) : createCampaign(newCampaignOf(draft))));
  };
  const closeOrReopen = () => campaign && void save(() => changeCampaign(campaign.id, { status: campaign.status === 'active' ? 'closed' : 'active' }));

  const name = (n: { zh: string; en: string }) => (zh ? n.zh : n.en);
  const sortedCategories = [...categories.values()].sort((a, b) => a.code.localeCompare(b.code));
  const share = draft.measure === 'source_share';
  return (
    <form
      className="campaign-form"
      data-testid="campaign-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>{campaign ? t('campaign.form.editTitle', { name: name(campaign.name) }) : t('campaign.form.newTitle')}</h3>
      <Field label={t('campaign.form.nameZh')}>
        <input value={draft.nameZh} maxLength={60} onChange={(e) => set('nameZh', e.target.value)} data-testid="campaign-name-zh" />
      </Field>
      <Field label={t('campaign.form.nameEn')}>
        <input value={draft.nameEn} maxLength={80} placeholder={t('campaign.form.nameEnHint')} onChange={(e) => set('nameEn', e.target.value)} data-testid="campaign-name-en" />
      </Field>
      <Field label={t('campaign.form.description')} wide>
        <textarea rows={2} maxLength={2000} value={draft.description} onChange={(e) => set('description', e.target.value)} data-testid="campaign-description" />
      </Field>
      <Field label={t('campaign.form.theme')}>
        <select value={draft.theme} onChange={(e) => set('theme', e.target.value as CampaignDraft['theme'])} data-testid="campaign-theme">
          <option value="">{t('campaign.form.noTheme')}</option>
          {HOTSPOT_THEMES.filter((x) => x !== 'all').map((x) => (
            <option key={x} value={x}>
              {t(`themes.${x}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('campaign.form.categories')}>
        <select multiple size={4} value={draft.categories} onChange={(e) => set('categories', picked(e))} data-testid="campaign-categories">
          {sortedCategories.map((c) => (
            <option key={c.code} value={c.code}>
              {c.code} {name(c.name)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('campaign.form.area')}>
        <select value={draft.areaKind} onChange={(e) => set('areaKind', e.target.value as CampaignDraft['areaKind'])} data-testid="campaign-area">
          {AREAS.map((a) => (
            <option key={a} value={a}>
              {a === 'polygon' ? t('campaign.form.draw.option') : t(`campaign.form.areas.${a}`)}
            </option>
          ))}
        </select>
      </Field>
      {draft.areaKind === 'towns' && (
        <Field label={t('campaign.form.towns')}>
          <select multiple size={4} value={draft.towns} onChange={(e) => set('towns', picked(e))} data-testid="campaign-towns">
            {(city?.towns ?? []).map((x) => (
              <option key={x.code} value={x.code}>
                {name(x.name)}
              </option>
            ))}
          </select>
        </Field>
      )}
      {city && (draft.areaKind === 'polygon' || (draft.areaKind === 'towns' && draft.towns.length > 0)) && (
        <div className="wide campaign-area" data-testid="campaign-area-block">
          {draft.areaKind === 'polygon' && (
            <AreaTools
              drawn={draft.drawn}
              problem={drawnProblem}
              tried={areaTried}
              onUndo={() => draw(undoVertex)}
              onFinish={() => draw(finishArea)}
              onClear={() => {
                draw(clearArea);
                setAreaTried(false);
              }}
            />
          )}
          <CampaignAreaMap
            city={city}
            theme={theme}
            language={zh ? 'zh-CN' : 'en'}
            drawn={draft.areaKind === 'polygon' ? draft.drawn : null}
            crossed={drawnProblem === 'self_intersecting'}
            towns={draft.areaKind === 'towns' ? draft.towns : []}
            onAdd={(lon, lat) => draw((a) => addVertex(a, lon, lat))}
            onFinish={() => draw(finishArea)}
            onMove={(i, lon, lat) => draw((a) => moveVertex(a, i, lon, lat))}
          />
        </div>
      )}
      <Field label={t('campaign.form.measure')}>
        <select value={draft.measure} onChange={(e) => set('measure', e.target.value as CampaignMeasureKind)} data-testid="campaign-measure">
          {MEASURES.map((m) => (
            <option key={m} value={m}>
              {t(`campaign.measure.${m}`)}
            </option>
          ))}
        </select>
      </Field>
      {share && (
        <Field label={t('campaign.form.sources')}>
          <select multiple size={3} value={draft.sources} onChange={(e) => set('sources', picked(e) as CampaignDraft['sources'])} data-testid="campaign-sources">
            {IncidentSource.options.map((s) => (
              <option key={s} value={s}>
                {t(`source.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label={t('campaign.form.target')}>
        <span className="campaign-target-row">
          <select value={draft.direction} onChange={(e) => set('direction', e.target.value as CampaignDraft['direction'])} data-testid="campaign-direction">
            <option value="down">{t('campaign.form.down')}</option>
            <option value="up">{t('campaign.form.up')}</option>
          </select>
          <select value={draft.targetKind} onChange={(e) => set('targetKind', e.target.value as CampaignDraft['targetKind'])} data-testid="campaign-target-kind">
            <option value="change">{t('campaign.form.byChange')}</option>
            <option value="value">{t('campaign.form.toValue')}</option>
          </select>
          {draft.targetKind === 'change' ? (
            <input type="number" step="1" value={draft.changePct} onChange={(e) => set('changePct', e.target.value)} data-testid="campaign-change" aria-label={t('campaign.form.changePct')} />
          ) : (
            <input type="number" step="any" min="0" value={draft.value} onChange={(e) => set('value', e.target.value)} data-testid="campaign-value" aria-label={t('campaign.form.value')} />
          )}
          <span className="muted small">{draft.targetKind === 'change' || share ? '%' : ''}</span>
        </span>
      </Field>
      <Field label={t('campaign.form.start')}>
        <input type="date" value={draft.start} onChange={(e) => set('start', e.target.value)} data-testid="campaign-start" />
      </Field>
      <Field label={t('campaign.form.deadline')}>
        <input type="date" value={draft.deadline} onChange={(e) => set('deadline', e.target.value)} data-testid="campaign-deadline" />
      </Field>
      <Field label={t('campaign.form.baseline')}>
        <span className="campaign-target-row">
          <input type="date" value={draft.baselineSince} onChange={(e) => set('baselineSince', e.target.value)} data-testid="campaign-baseline-since" />
          –
          <input type="date" value={draft.baselineUntil} onChange={(e) => set('baselineUntil', e.target.value)} data-testid="campaign-baseline-until" />
        </span>
      </Field>
      <Field label={t('campaign.unit')}>
        <select value={draft.unitCode} onChange={(e) => set('unitCode', e.target.value)} data-testid="campaign-unit">
          {[...units.values()].map((u) => (
            <option key={u.code} value={u.code}>
              {name(u.name)}
            </option>
          ))}
        </select>
      </Field>
      <p className="action-message error" role="alert" data-testid="campaign-form-error">
        {refusal ?? ''}
      </p>
      <div className="case-actions">
        <button type="submit" className="act main" disabled={busy} data-testid="campaign-save">
          {campaign ? t('campaign.form.save') : t('campaign.form.create')}
        </button>
        {campaign && (
          <button type="button" className="act" disabled={busy} onClick={closeOrReopen} data-testid="campaign-close-toggle">
            {campaign.status === 'active' ? t('campaign.form.close') : t('campaign.form.reopen')}
          </button>
        )}
        <button type="button" className="act" disabled={busy} onClick={onCancel} data-testid="campaign-cancel">
          {t('campaign.form.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * The drawing's buttons and what it measures: 撤销 the last vertex, 完成, 清除; the area in km², the
 * vertices, and why it cannot be saved yet (a crossed ring at once, the rest once a save was tried).
 */
function AreaTools(props: { drawn: DrawnArea; problem: ReturnType<typeof areaProblem>; tried: boolean; onUndo: () => void; onFinish: () => void; onClear: () => void }) {
  const { drawn, problem, tried } = props;
  const { t } = useTranslation();
  const n = drawn.vertices.length;
  const shownProblem = problem === 'self_intersecting' || tried ? problem : null;
  return (
    <>
      <div className="campaign-area-tools">
        <button type="button" className="act" disabled={n === 0} onClick={props.onUndo} data-testid="campaign-area-undo">
          {t('campaign.form.draw.undo')}
        </button>
        <button type="button" className="act" disabled={drawn.closed || n < 3} onClick={props.onFinish} data-testid="campaign-area-finish">
          {t('campaign.form.draw.finish')}
        </button>
        <button type="button" className="act" disabled={n === 0} onClick={props.onClear} data-testid="campaign-area-clear">
          {t('campaign.form.draw.clear')}
        </button>
        <span className="campaign-area-figures" data-testid="campaign-area-figures" data-vertices={n} data-closed={String(drawn.closed)} data-km2={areaKm2(drawn).toFixed(3)}>
          {n === 0
            ? t('campaign.form.draw.hint')
            : // A crossed ring has no area worth a figure (turf's signed parts cancel out).
              `${t('campaign.form.draw.vertices', { count: n })} · ${t('campaign.form.draw.area', { km2: problem === 'self_intersecting' ? '–' : areaKm2(drawn).toFixed(3) })}${drawn.closed ? ` · ${t('campaign.form.draw.closed')}` : ''}`}
        </span>
      </div>
      <span className={`campaign-area-problem${shownProblem ? ' error' : ''}`} role="alert" data-testid="campaign-area-problem" data-problem={shownProblem ?? ''}>
        {shownProblem ? t(`campaign.form.draw.problem.${shownProblem}`) : drawn.closed || n === 0 ? '' : t('campaign.form.draw.howToFinish')}
      </span>
    </>
  );
}

function Field({ label, wide, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={wide ? 'wide' : undefined}>
      <span>{label}</span>
      {children}
    </label>
  );
}
