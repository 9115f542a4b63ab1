import { useTranslation } from 'react-i18next';
import type { CameraAlertState, ShownPatrolAlert } from './patrolAlerts.js';

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
}

/**
 * The towns whose cells go unpatrolled (巡查告警), worst first, each with the responsibility grids
 * furthest behind, where a dispatcher sends someone first; a town back on schedule shows so for a
 * while. Clicking a town brings it into view. Nothing is drawn while no town is alerted.
 */
export function PatrolAlerts({
  alerts,
  cameras = null,
  townName,
  onTown,
}: {
  alerts: readonly ShownPatrolAlert[];
  /** Cameras out of the coverage: a line of their own while any is silent. */
  cameras?: CameraAlertState | null;
  townName: (code: string) => string;
  onTown?: (townCode: string) => void;
}) {
  const { t } = useTranslation();
  const camerasDown = cameras !== null && cameras.silent > 0;
  if (alerts.length === 0 && !camerasDown) return null;
  return (
    <section className="patrol-alerts" data-testid="patrol-alerts">
      <h2>{t('coverageAlert.title')}</h2>
      <ul>
        {camerasDown && (
          <li className="patrol-alert raised" data-testid="camera-alert" data-silent={cameras.silent}>
            {t('coverageAlert.cameras', { silent: cameras.silent, cameras: cameras.cameras })}
            {cameras.lastDown.length > 0 && (
              <div className="muted">
                {t('coverageAlert.camerasLast', { ids: cameras.lastDown.join('、') })}
                {cameras.at && ` · ${timeOf(cameras.at)}`}
              </div>
            )}
          </li>
        )}
        {alerts.map((a) => (
          <li key={a.townCode} className={`patrol-alert ${a.state}`} data-testid="patrol-alert" data-town={a.townCode} data-state={a.state}>
            <button type="button" className="linkish" onClick={() => onTown?.(a.townCode)} disabled={!onTown}>
              {a.state === 'raised'
                ? t('coverageAlert.raised', { town: townName(a.townCode), percent: Math.round((100 * a.overdueCells) / a.cells), overdue: a.overdueCells, cells: a.cells })
                : t('coverageAlert.cleared', { town: townName(a.townCode) })}
            </button>
            {a.state === 'raised' && a.worstGrids.length > 0 && (
              <div className="muted">
                {t('coverageAlert.worst', { grids: a.worstGrids.slice(0, 3).map((g) => `${g.responsibilityGridCode}（${g.overdueCells}）`).join('、') })}
                {' · '}
                {t('coverageAlert.since', { time: timeOf(a.at) })}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
