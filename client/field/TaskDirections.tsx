import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskRoute } from '../../shared/index.js';
import { kmText } from '../cases/format.js';

/** A new route only when the crew has moved about 150 m, so a walking phone does not ask every second. */
const REROUTE_DEGREES = 0.0015;
/** Legs shown before "…": a crew wants the next turns, not the whole list. */
const SHOWN_LEGS = 4;

/**
 * The drive to a task in words a crew can follow (路线): the roads in order with their lengths, the
 * time and the distance, at live road speeds (`GET /api/tasks/:id/route`), from the phone's own fix
 * when it has one, else from where the team is known to be. Fetched once per task and again after
 * the crew has moved; offline it shows nothing rather than a stale route.
 */
export function TaskDirections({ taskId, from, online }: { taskId: string; from: { lon: number; lat: number } | null; online: boolean }) {
  const { t, i18n } = useTranslation();
  const [route, setRoute] = useState<TaskRoute | null>(null);
  const fromRef = useRef(from);
  fromRef.current = from;
  // The position on a grid of about 150 m: the route is asked again only when the crew leaves its square.
  const square = from ? `${Math.round(from.lon / REROUTE_DEGREES)},${Math.round(from.lat / REROUTE_DEGREES)}` : 'unknown';

  useEffect(() => {
    if (!online) return;
    const controller = new AbortController();
    const here = fromRef.current;
    const query = here ? `?from=${here.lon.toFixed(6)},${here.lat.toFixed(6)}` : '';
    fetch(`/api/tasks/${encodeURIComponent(taskId)}/route${query}`, { signal: controller.signal })
      .then(async (r) => setRoute(r.ok ? ((await r.json()) as TaskRoute) : null))
      .catch(() => undefined);
    return () => controller.abort();
  }, [taskId, square, online]);

  if (!route || !online) return null;
  const en = i18n.language.startsWith('en');
  const legs = route.legs.filter((l) => l.metres >= 20);
  return (
    <div className="task-route" data-testid="task-route">
      <b>{t('field.route', { minutes: Math.max(1, Math.round(route.etaSeconds / 60)), km: kmText(route.distanceMeters) })}</b>
      <ol>
        {legs.slice(0, SHOWN_LEGS).map((l, k) => (
          <li key={k}>
            {(l.name ? (en ? l.name.en : l.name.zh) : t('field.unnamedRoad'))} {t('field.legKm', { km: kmText(l.metres) })}
          </li>
        ))}
        {legs.length > SHOWN_LEGS && <li className="muted">…</li>}
      </ol>
    </div>
  );
}

