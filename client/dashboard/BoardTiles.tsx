import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { WORST_TOWN_MIN_DUE, type BoardSummary } from '../../shared/index.js';

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

/** A count against yesterday at the same time: "+12", "−3", or level. */
export function countChange(t: TFunction, today: number, yesterday: number): string {
  const d = today - yesterday;
  return t('board.vsYesterday', { change: d === 0 ? t('board.level') : `${d > 0 ? '+' : '−'}${Math.abs(d)}` });
}

/** A rate against yesterday at the same time, in percentage points; nothing to say when either day had nothing due. */
export function rateChange(t: TFunction, today: number | null, yesterday: number | null): string {
  if (today === null || yesterday === null) return t('board.noComparison');
  const d = Math.round((today - yesterday) * 1000) / 10;
  return t('board.vsYesterday', { change: d === 0 ? t('board.level') : t('board.points', { value: `${d > 0 ? '+' : '−'}${Math.abs(d).toFixed(1)}` }) });
}

/** A tile: its figure, what it is, and up to two short lines under it (a tile is a third of the panel wide). */
function Tile(props: { id: string; label: string; value: string; sub: readonly string[]; tip: string; alarm?: boolean; rawValue?: number | null }) {
  return (
    <div
      className={props.alarm ? 'tile alarm' : 'tile'}
      data-testid={`tile-${props.id}`}
      data-value={props.rawValue === undefined || props.rawValue === null ? '' : String(props.rawValue)}
      title={props.tip}
    >
      <b>{props.value}</b>
      <span className="tile-label">{props.label}</span>
      {props.sub.map((line, i) => (
        <small key={i}>{line}</small>
      ))}
    </div>
  );
}

/**
 * The main board's tiles, what a leader reads first: today's reports, closure and on-time closure
 * (each against the same time yesterday), overdue cases, crews at work and the town to look at.
 * Every tile's title says how its figure is counted.
 */
export function BoardTiles({ summary: s, townName }: { summary: BoardSummary | null; townName: (code: string) => string }) {
  const { t } = useTranslation();
  const today = s?.closure.today;
  const yesterday = s?.closure.yesterday;
  const worst = s?.worstTown ?? null;
  return (
    <section className="stats board-tiles" data-testid="board-tiles" aria-label={t('board.title')}>
      <Tile
        id="reports"
        label={t('board.reports')}
        value={s ? s.reports.today.toLocaleString('zh-CN') : '–'}
        rawValue={s?.reports.today ?? null}
        sub={s ? [countChange(t, s.reports.today, s.reports.yesterday)] : []}
        tip={t('board.reportsTip')}
      />
      <Tile
        id="closure"
        label={t('board.closureRate')}
        value={percent(today?.closureRate ?? null)}
        rawValue={today?.closureRate ?? null}
        sub={today ? (today.due === 0 ? [t('board.noneDue')] : [t('board.ofDue', { n: today.closed, due: today.due }), rateChange(t, today.closureRate, yesterday!.closureRate)]) : []}
        tip={t('board.closureRateTip')}
      />
      <Tile
        id="on-time"
        label={t('board.onTimeRate')}
        value={percent(today?.onTimeClosureRate ?? null)}
        rawValue={today?.onTimeClosureRate ?? null}
        sub={today ? (today.due === 0 ? [t('board.noneDue')] : [t('board.ofDue', { n: today.onTime, due: today.due }), rateChange(t, today.onTimeClosureRate, yesterday!.onTimeClosureRate)]) : []}
        tip={t('board.onTimeRateTip')}
      />
      <Tile
        id="overdue"
        label={t('board.overdue')}
        value={s ? s.overdue.toLocaleString('zh-CN') : '–'}
        rawValue={s?.overdue ?? null}
        sub={[t('board.overdueSub')]}
        tip={t('board.overdueTip')}
        alarm={(s?.overdue ?? 0) > 0}
      />
      <Tile
        id="crews"
        label={t('board.crews')}
        value={s ? `${s.crews.working}/${s.crews.onDuty}` : '–'}
        rawValue={s?.crews.working ?? null}
        sub={s ? [t('board.crewsSub', { onSite: s.crews.onSite })] : []}
        tip={t('board.crewsTip')}
      />
      <Tile
        id="worst-town"
        label={t('board.worstTown')}
        value={worst ? townName(worst.townCode) : s ? t('board.worstNone') : '–'}
        rawValue={null}
        sub={
          !worst
            ? []
            : worst.rule === 'onTimeClosureRate'
              ? [t('board.worstByRate', { rate: percent(worst.onTimeClosureRate) }), t('board.worstCounts', { due: worst.due, overdue: worst.overdue })]
              : [t('board.worstByOverdue', { count: worst.overdue })]
        }
        tip={t(worst?.rule === 'overdue' ? 'board.worstTipOverdue' : 'board.worstTipRate', { min: WORST_TOWN_MIN_DUE })}
      />
    </section>
  );
}
