import { useTranslation } from 'react-i18next';
import { bearingDegrees, compassPoint, distanceMeters, kmText } from '../cases/format.js';
import type { Position } from './hooks.js';

/**
 * How far and which way a task lies from the phone, with an arrow pointing there; `fallback` is said
 * instead while the phone has no fix.
 */
export function TaskDistance({ position, lon, lat, fallback }: { position: Position; lon: number; lat: number; fallback: string }) {
  const { t } = useTranslation();
  let where = fallback;
  let bearing: number | null = null;
  if (position.state === 'ok') {
    const meters = distanceMeters(position.lon, position.lat, lon, lat);
    bearing = bearingDegrees(position.lon, position.lat, lon, lat);
    // Within a GPS fix's error a direction would mislead: just say it is here.
    where = meters < 50 ? t('field.near', { m: Math.round(meters) }) : t('field.distance', { km: kmText(meters), dir: t(`compass.${compassPoint(bearing)}`) });
  }
  return (
    <p className="task-distance">
      {bearing !== null && (
        <svg className="bearing" viewBox="0 0 24 24" aria-hidden="true" style={{ transform: `rotate(${Math.round(bearing)}deg)` }}>
          <path d="M12 2 L19 21 L12 17 L5 21 Z" />
        </svg>
      )}
      <span>{where}</span>
    </p>
  );
}
