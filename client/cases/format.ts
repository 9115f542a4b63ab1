import type { TFunction } from 'i18next';
import type { Category, CityMeta } from '../../shared/index.js';

/** A duration as the two largest units that read well: 2天3小时, 3小时15分, 15分. */
export function durationText(t: TFunction, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return t('duration.under');
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return t('duration.days', { count: days }) + (hours > 0 ? t('duration.hours', { count: hours }) : '');
  if (hours > 0) return t('duration.hours', { count: hours }) + (mins > 0 ? t('duration.minutes', { count: mins }) : '');
  return t('duration.minutes', { count: mins });
}

/** "剩余 3小时15分" or "超期 20分" for the time to a deadline. */
export function timeLeftText(t: TFunction, leftMs: number): string {
  return leftMs >= 0 ? t('timeLeft.left', { time: durationText(t, leftMs) }) : t('timeLeft.overdue', { time: durationText(t, leftMs) });
}

export const isEnglish = (language: string) => language === 'en';

export function categoryName(categories: ReadonlyMap<string, Category>, code: string, language: string): string {
  const c = categories.get(code);
  return c ? (isEnglish(language) ? c.name.en : c.name.zh) : code;
}

export function townNameOf(city: CityMeta | null, code: string, language: string): string {
  const town = city?.towns.find((x) => x.code === code);
  return town ? (isEnglish(language) ? town.name.en : town.name.zh) : code;
}

/** Local date and time in the city's zone, e.g. 11-23 16:40. */
export function dateTimeText(iso: string, language: string): string {
  return new Date(iso).toLocaleString(isEnglish(language) ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

export function timeText(iso: string | Date): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres. */
export function distanceMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Initial bearing from the first point to the second, degrees clockwise from north. */
export function bearingDegrees(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const y = Math.sin(rad(lon2 - lon1)) * Math.cos(rad(lat2));
  const x = Math.cos(rad(lat1)) * Math.sin(rad(lat2)) - Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(rad(lon2 - lon1));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

export const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;
export type CompassPoint = (typeof COMPASS)[number];

export function compassPoint(bearing: number): CompassPoint {
  return COMPASS[Math.round(bearing / 45) % 8]!;
}

export const kmText = (meters: number) => (meters / 1000).toFixed(meters < 10_000 ? 1 : 0);
