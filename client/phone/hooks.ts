import { useEffect, useState } from 'react';

/**
 * Small hooks the phone pages share (the field crews' 处置端, the inspectors' 城管通): whether the
 * browser has a network, where the phone is, and a clock that ticks.
 */

/** Where the phone is: unavailable when refused or unknown; `accuracy` in metres, as the browser says. */
export type Position = { state: 'locating' | 'unavailable' } | { state: 'ok'; lon: number; lat: number; accuracy: number | null };

/** Whether the browser believes it is online (and re-renders when that changes). */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** Where the phone is, while the page is open; unavailable when refused or unknown. */
export function usePosition(): Position {
  const [position, setPosition] = useState<Position>(() => ('geolocation' in navigator ? { state: 'locating' } : { state: 'unavailable' }));
  useEffect(() => {
    if (!('geolocation' in navigator)) return;
    const id = navigator.geolocation.watchPosition(
      (p) =>
        setPosition({
          state: 'ok',
          lon: p.coords.longitude,
          lat: p.coords.latitude,
          accuracy: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null,
        }),
      () => setPosition((old) => (old.state === 'ok' ? old : { state: 'unavailable' })),
      { enableHighAccuracy: true, maximumAge: 30_000, timeout: 60_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);
  return position;
}

/** The time now (epoch ms), every `everyMs`. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
