import { useTranslation } from 'react-i18next';
import type { CaseUnit } from '../cases/caseApi.js';
import { isEnglish } from '../cases/format.js';

const unitName = (unit: CaseUnit, language: string) => (isEnglish(language) ? unit.name.en : unit.name.zh);

/**
 * The units responsible for a case (责任单位), under its candidates: each with its kind, its crews on
 * duty and, for a component case, the component of its that the case is about. Where no candidate
 * team came back it says why: the unit's crews are busy, or (for the units whose crews are not on the
 * map) that the case goes to the unit itself, which each row offers: dispatched to the unit, its desk
 * sends one of its own crews (二级派遣).
 */
export function UnitsResponsible({
  units,
  noCandidates,
  categoryName,
  busy,
  onDispatch,
}: {
  units: CaseUnit[] | null;
  noCandidates: boolean;
  categoryName: string;
  busy: boolean;
  onDispatch: (unitCode: string) => void;
}) {
  const { t, i18n } = useTranslation();
  if (!units) return noCandidates ? <p className="muted">{t('dispatch.noCandidates')}</p> : null;
  const withCrews = units.some((u) => u.crewsOnDuty > 0);
  const names = units.map((u) => unitName(u, i18n.language)).join(t('dispatch.units.separator'));
  return (
    <div className="units" data-testid="units" data-with-crews={withCrews}>
      {noCandidates && (
        <p className={withCrews ? 'muted' : 'units-note'} data-testid="units-note">
          {units.length === 0 ? t('dispatch.noCandidates') : withCrews ? t('dispatch.noCandidates') : t('dispatch.units.offMap', { units: names, category: categoryName })}
        </p>
      )}
      {units.length > 0 && (
        <>
          <h4>{t('dispatch.units.title')}</h4>
          <ul className="unit-list">
            {units.map((u) => (
              <li key={u.code} data-testid="unit" data-code={u.code} data-crews={u.crewsOnDuty}>
                <span className="unit-name">{unitName(u, i18n.language)}</span>
                <span className="unit-kind">{t(`dispatch.units.kind.${u.kind}`)}</span>
                <span className={u.crewsOnDuty > 0 ? 'unit-crews' : 'unit-crews none'}>
                  {u.teams.length === 0 ? t('dispatch.units.notOnMap') : t('dispatch.units.crews', { count: u.crewsOnDuty })}
                </span>
                {u.component && (
                  <span className="unit-component" data-testid="unit-component">
                    {t('dispatch.units.component', { code: u.component.code, meters: u.component.distanceMeters.toFixed(1) })}
                  </span>
                )}
                <button type="button" className="act" data-testid="unit-dispatch" disabled={busy} onClick={() => onDispatch(u.code)}>
                  {t('dispatch.units.dispatchToUnit')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
