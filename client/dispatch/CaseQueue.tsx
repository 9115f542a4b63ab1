import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { nextDueAt, stageOfStatus, type Category, type Incident } from '../../shared/index.js';
import { categoryName, timeLeftText } from '../cases/format.js';

/** Every row has this height, so the list can be windowed by arithmetic. Kept in step with style.css. */
export const QUEUE_ROW_HEIGHT = 64;
/** Rows drawn beyond the visible ones on each side, for smooth scrolling. */
const OVERSCAN = 8;
/**
 * `?queueBaseline=all` draws every row of the queue (no windowing), only so that `npm run bench
 * console` can compare against it.
 */
const ALL_ROWS_BASELINE = typeof window !== 'undefined' && new URLSearchParams(window.location.search).get('queueBaseline') === 'all';

export interface CaseQueueProps {
  items: readonly Incident[];
  /** The row the keyboard is on. */
  cursorId: string | null;
  /** The case open in the detail pane. */
  openedId: string | null;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  /** Now on the server's clock (ms), for the time left. */
  now: number;
  onOpen: (id: string) => void;
}

/**
 * The case queue as a windowed list: only the rows in view (and a few around them) are in the DOM,
 * so thousands of open cases scroll and re-sort without cost. Keeps the keyboard's row in view.
 */
export function CaseQueue({ items, cursorId, openedId, categories, townName, now, onOpen }: CaseQueueProps) {
  const { t, i18n } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = scroller.current!;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Bring the keyboard's row into view when it moves off screen.
  const cursorIndex = cursorId ? items.findIndex((i) => i.id === cursorId) : -1;
  useEffect(() => {
    const el = scroller.current;
    if (!el || cursorIndex < 0) return;
    const top = cursorIndex * QUEUE_ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + QUEUE_ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + QUEUE_ROW_HEIGHT - el.clientHeight;
  }, [cursorIndex]);

  const first = ALL_ROWS_BASELINE ? 0 : Math.max(0, Math.floor(scrollTop / QUEUE_ROW_HEIGHT) - OVERSCAN);
  const last = ALL_ROWS_BASELINE ? items.length : Math.min(items.length, Math.ceil((scrollTop + height) / QUEUE_ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let index = first; index < last; index++) {
    const i = items[index]!;
    // Time to the next deadline: the stage's own limit before handling, the handling deadline after.
    const due = nextDueAt(i);
    const left = due === null ? null : due - now;
    const stage = stageOfStatus(i.status);
    const stageBinds = stage !== null && stage !== 'handle' && i.stageDeadlineAt !== null && due === Date.parse(i.stageDeadlineAt);
    const priority = categories.get(i.categoryCode)?.priority ?? 2;
    const overdue = left !== null && left < 0;
    rows.push(
      <div
        key={i.id}
        id={`queue-${i.id}`}
        role="option"
        aria-selected={i.id === cursorId}
        data-testid="queue-row"
        data-id={i.id}
        data-status={i.status}
        className={`queue-row${i.id === cursorId ? ' cursor' : ''}${i.id === openedId ? ' opened' : ''}${overdue ? ' overdue' : ''}`}
        style={{ top: index * QUEUE_ROW_HEIGHT }}
        onClick={() => onOpen(i.id)}
      >
        <div className="queue-line">
          <span className={`prio prio-${priority}`}>{t(`priority.p${priority}`)}</span>
          <span className="queue-cat">{categoryName(categories, i.categoryCode, i18n.language)}</span>
          <span className="queue-town">{townName(i.townCode)}</span>
          <span className={`state state-${i.status}`}>{t(`status.${i.status}`)}</span>
        </div>
        <div className="queue-line sub">
          <span className={overdue ? 'left overdue' : 'left'}>
            {i.status === 'suspended' ? t('timeLeft.suspended') : `${stageBinds ? `${t(`stage.${stage}`)} ` : ''}${left === null ? '' : timeLeftText(t, left)}`}
          </span>
          <span className="queue-src">{t(`source.${i.source}`)}</span>
          {i.urgeCount > 0 && <span className="badge">{t('dispatch.urged', { count: i.urgeCount })}</span>}
          {i.number && <span className="queue-number">{i.number}</span>}
          <span className="queue-desc">{i.description}</span>
        </div>
      </div>,
    );
  }
  return (
    <div
      ref={scroller}
      className="queue-scroll"
      role="listbox"
      aria-label={t('dispatch.queue')}
      aria-activedescendant={cursorId ? `queue-${cursorId}` : undefined}
      data-testid="queue"
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="queue-space" style={{ height: items.length * QUEUE_ROW_HEIGHT }}>
        {rows}
      </div>
    </div>
  );
}
