import { z } from 'zod';
import { CameraProps } from './city.js';
import { IsoTimestamp, Latitude, Longitude, SingleLineText } from './common.js';

/**
 * Cameras' heartbeats and states (视频监控): a camera gateway reports which cameras are alive; one
 * silent for longer than the set time (CAMERA_SILENT_SECONDS) drops out of the camera coverage.
 */

/** One camera heard from: its id in the `cameras` layer and when (by default when the report arrives). */
export const CameraHeartbeat = z.object({ id: SingleLineText.min(1).max(64), at: IsoTimestamp.optional() }).strict();
export type CameraHeartbeat = z.infer<typeof CameraHeartbeat>;

/** `POST /api/cameras/heartbeat`: 1 to 5,000 cameras heard from, all or nothing. */
export const CameraHeartbeatReport = z.object({ cameras: z.array(CameraHeartbeat).min(1).max(5000) }).strict();
export type CameraHeartbeatReport = z.infer<typeof CameraHeartbeatReport>;

/** live: in the coverage; silent: not heard from for longer than the silent time, out of it. */
export const CameraState = z.enum(['live', 'silent']);
export type CameraState = z.infer<typeof CameraState>;

/** Who has been reporting heartbeats: nobody yet, the simulator, or (from its first report on) a gateway. */
export const HeartbeatSource = z.enum(['none', 'simulator', 'gateway']);
export type HeartbeatSource = z.infer<typeof HeartbeatSource>;

const Position = z.tuple([Longitude, Latitude]);

/**
 * A camera for the map: its field of view as a polygon (a sector, or a circle for a 360° PTZ camera,
 * closed and counter-clockwise), where it stands, its state and its last heartbeat (null when none
 * came since the server started).
 */
export const CameraView = z.object({
  type: z.literal('Feature'),
  geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position).min(4)).length(1) }),
  properties: CameraProps.extend({
    position: Position,
    state: CameraState,
    lastHeartbeatAt: IsoTimestamp.nullable(),
    /** Since when the camera is silent (its last heartbeat, or the server's start, plus the silent time); null while live. */
    silentSince: IsoTimestamp.nullable(),
  }),
});
export type CameraView = z.infer<typeof CameraView>;

/** `GET /api/cameras`: every camera of the city, in the layer's order, as a GeoJSON FeatureCollection with the counts. */
export const CameraList = z.object({
  type: z.literal('FeatureCollection'),
  at: IsoTimestamp,
  silentAfterSeconds: z.number().int().positive(),
  heartbeatsFrom: HeartbeatSource,
  live: z.number().int().nonnegative(),
  silent: z.number().int().nonnegative(),
  features: z.array(CameraView),
});
export type CameraList = z.infer<typeof CameraList>;
