import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { unitToByte, type BlindSpot, type BlindSpotReason, type TownCoverageList } from '../../shared/index.js';
import { BLIND_SPOT_CLASSES, blindSpotClass } from './cellClasses.js';

/** The ranking is read again this often while shown (scores move with the hours since patrols). */
const REFRESH_MS = 60_000;
/** Cells listed. */
const WORST = 12;

/** A reason of a blind spot in words, with its figure and what a covered cell of its kind has. */
export function blindReasonText(r: BlindSpotReason, t: TFunction): string {
  switch (r.kind) {
    case 'patrol':
      return r.value === null ? t('blindList.reasonNever', { expected: r.expected }) : t('blindList.reasonPatrol', { hours: r.value, expected: r.expected });
    case 'camera':
      return t('blindList.reasonCamera', { percent: Math.round((r.value ?? 0) * 100) });
    case 'responsibility':
      return t('blindList.reasonResponsibility');
    case 'under_reporting':
      return t('blindList.reasonReports', { value: r.value ?? 0, expected: r.expected });
  }
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

/**
 * The blind-spot ranking (盲区排行): the worst cells (of a town, once one is picked), each with its
 * score and main reason, and every town's coverage (patrolled in 24 h, under a camera, with an
 * inspector, mean score), worst first. A cell or a town clicked is brought into view on the map
 * (`onCell`, `onTown`); a town clicked also narrows the cells to it.
 */
export function BlindSpotPanel(props: {
  townName: (code: string) => string;
  onCell: (cell: number) => void;
  onTown: (townCode: string) => void;
  onUnauthenticated: () => void;
}) {
  const { t } = useTranslation();
  const [town, setTown] = useState<string>('');
  const [cells, setCells] = useState<BlindSpot[] | null>(null);
  const [towns, setTowns] = useState<TownCoverageList | null>(null);
  const onUnauthenticated = useRef(props.onUnauthenticated);
  onUnauthenticated.current = props.onUnauthenticated;
  useEffect(() => {
    const abort = new AbortController();
    const read = async <T,>(url: string): Promise<T | null> => {
      const r = await fetch(url, { signal: abort.signal, cache: 'no-store' });
      if (r.status === 401) onUnauthenticated.current();
      return r.ok ? ((await r.json()) as T) : null;
    };
    const load = () => {
      read<BlindSpot[]>(`/api/blind-spots?limit=${WORST}${town ? `&town=${town}` : ''}`)
        .then((list) => list && setCells(list))
        .catch(() => undefined);
      read<TownCoverageList>('/api/coverage/towns?days=0')
        .then((list) => list && setTowns(list))
        .catch(() => undefined);
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [town]);
  const byScore = towns ? [...towns.towns].sort((a, b) => b.meanScore - a.meanScore) : [];
  return (
    <section className="blind-spots" data-testid="blind-spots">
      <h2>
        {t('blindList.title')}
        {towns && <span className="muted"> · {t('blindList.updated', { time: new Date(towns.at).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }) })}</span>}
      </h2>
      <h3>
        {t('blindList.towns')}
      </h3>
      <table className="blind-towns" data-testid="blind-towns">
        <thead>
          <tr>
            <th>{t('blindList.town')}</th>
            <th>{t('blindList.score')}</th>
            <th>{t('blindList.patrolled')}</th>
            <th>{t('blindList.underCamera')}</th>
            <th>{t('blindList.withInspector')}</th>
          </tr>
        </thead>
        <tbody>
          {byScore.map((c) => (
            <tr
              key={c.townCode}
              className={c.townCode === town ? 'picked' : undefined}
              data-testid="blind-town"
              data-town={c.townCode}
              onClick={() => {
                setTown(c.townCode === town ? '' : c.townCode);
                props.onTown(c.townCode);
              }}
            >
              <td>{props.townName(c.townCode)}</td>
              <td>
                <ScoreBar score={c.meanScore} />
              </td>
              <td>{percent(c.patrolled24h)}</td>
              <td>{percent(c.underCamera)}</td>
              <td>{percent(c.withInspector)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        {t('blindList.cells')}
        {town && (
          <button type="button" className="linkish" onClick={() => setTown('')} data-testid="blind-all-towns">
            {' '}
            · {props.townName(town)} ✕
          </button>
        )}
      </h3>
      {cells && cells.length === 0 && <p className="muted">{t('blindList.empty')}</p>}
      <ol className="blind-cells" data-testid="blind-cells">
        {(cells ?? []).map((b) => (
          <li key={b.gridCode} data-testid="blind-cell" data-cell={b.cell} data-grid={b.gridCode}>
            <button type="button" className="linkish" title={t('blindList.show')} onClick={() => props.onCell(b.cell)}>
              <span className="grid-code">{b.gridCode}</span>
              <span className="town">{props.townName(b.townCode)}</span>
              <ScoreBar score={b.score} />
            </button>
            <div className="reasons">{b.reasons.slice(0, 2).map((r) => blindReasonText(r, t)).join('；')}</div>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A score 0–1 as a figure and a short bar in the blind-spot class colour it falls in. */
function ScoreBar({ score }: { score: number }) {
  const level = BLIND_SPOT_CLASSES[blindSpotClass(unitToByte(score))];
  return (
    <span className={`score-bar ${level}`}>
      <b>{score.toFixed(2)}</b>
      <i style={{ width: `${Math.round(score * 40)}px` }} />
    </span>
  );
}
