import { ScatterplotLayer } from '@deck.gl/layers';
import { PULSE_MS, type Arrival } from '../live/arrivals.js';

/** How far a pulse has run, 0 at arrival to 1 when it ends. */
export function pulseProgress(arrival: Arrival, now: number): number {
  return Math.min(1, Math.max(0, (now - arrival.at) / PULSE_MS));
}

/**
 * A ring that grows and fades where an incident has just arrived, so that a new case catches the
 * eye on the wall. The layer holds only the few arrivals of the last moments; the frame time is the
 * update trigger, so only this tiny layer is recomputed while a pulse runs.
 */
export function arrivalPulseLayer(arrivals: Arrival[], now: number) {
  return new ScatterplotLayer<Arrival>({
    id: 'incident-arrival-pulse',
    data: arrivals,
    getPosition: (d) => d.position,
    getRadius: (d) => 6 + 30 * pulseProgress(d, now),
    getLineColor: (d) => [255, 235, 120, Math.round(255 * (1 - pulseProgress(d, now)))],
    filled: false,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 3,
    radiusUnits: 'pixels',
    updateTriggers: { getRadius: now, getLineColor: now },
  });
}
