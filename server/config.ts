import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting GridWatch reads from the environment, parsed once at start. The README's
 * configuration table is written from this schema; keep the two in step.
 */
const OnOff = z.enum(['on', 'off']);

export const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('./var'),
  CITY_CACHE_DIR: z.string().min(1).optional(),
  SIM: OnOff.default('on'),
  SIM_SEED: z.coerce.number().int().default(20261123),
  SIM_SPEED: z.coerce.number().positive().max(100_000).default(1),
  HISTORY_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  CITY_SEED: z.coerce.number().int().default(320412),
  INGEST_MAX_BATCH: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** A site's own MapLibre style (URL of a style JSON on its tile server or a PMTiles setup); empty = the built-in one. */
  BASEMAP_STYLE: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The first admin's password, used only when the store has no users yet. */
  GRIDWATCH_ADMIN_PASSWORD: z.string().min(10).max(200).optional(),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(1).max(30 * 86_400).default(12 * 3600),
  WALL_SESSION_TTL_SECONDS: z.coerce.number().int().min(1).max(366 * 86_400).default(30 * 86_400),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  LOGIN_BLOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  WRITE_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(1200),
  TEAM_POSITIONS_MS: z.coerce.number().int().min(200).max(600_000).default(5000),
  COVERAGE_FRAME_MS: z.coerce.number().int().min(200).max(600_000).default(2000),
  /** How long team tracks are kept. */
  TRACK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Squads per team base in the default roster (1: one team per base, 32 in the default city). */
  TEAMS_PER_BASE: z.coerce.number().int().min(1).max(100).default(1),
  /** model: the seeded traffic model (feed readings on top); feed: free-flow where the feed says nothing. */
  ROAD_SPEEDS: z.enum(['model', 'feed']).default('model'),
  /** How long a road speed reported by the feed holds. */
  ROAD_SPEEDS_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  /** on: behind one reverse proxy (nginx), trust its X-Forwarded-For/-Proto for addresses and Secure cookies. */
  TRUST_PROXY: OnOff.default('off'),
  /** The address users open (https://gridwatch.example.gov.cn): when set, the CSRF origin check compares against it, not the Host header. */
  PUBLIC_URL: z.string().url().optional(),
  /** Reports dated further back than this are refused (422 reported_too_early); the history import is exempt. */
  REPORT_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Open sockets one signed-in session may hold at once (browser tabs); more are refused at the handshake. */
  STREAM_MAX_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Open sockets one API token may hold at once, its kiosk sessions included. */
  STREAM_MAX_SOCKETS_PER_TOKEN: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Bytes the server may hold for one socket that does not read: past this it is told to resync and dropped. */
  STREAM_MAX_BUFFERED_BYTES: z.coerce.number().int().min(65_536).max(1_073_741_824).default(8 * 1024 * 1024),
  /** The district's prefix of case numbers (WJ-20261206-0042): one to four capital letters. */
  CASE_NUMBER_PREFIX: z.string().regex(/^[A-Z]{1,4}$/, 'one to four capital letters').default('WJ'),
  /** A camera not heard from for longer than this drops out of the camera coverage (and raises an alert). */
  CAMERA_SILENT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** The CJK font embedded in PDF exports (a .ttf, .otf or .ttc); by default Debian's fonts-noto-cjk. */
  PDF_FONT: z.string().min(1).optional(),
  /** The face to take from a font collection (.ttc), by its PostScript name. */
  PDF_FONT_FACE: z.string().min(1).optional(),
  /** Events folded since the evaluation's facts were last checkpointed (DATA_DIR/cache) that make the next checkpoint worth writing. */
  FACTS_CHECKPOINT_EVENTS: z.coerce.number().int().min(1).max(100_000_000).default(20_000),
});

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Where the generated default city is cached; defaults to DATA_DIR/cache. */
  cityCacheDir: string;
  sim: boolean;
  simSeed: number;
  simSpeed: number;
  historyDays: number;
  citySeed: number;
  /** Most reports committed in one transaction (group commit); 1 means one fsync per report. */
  ingestMaxBatch: number;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  basemapStyle: string | null;
  adminPassword: string | null;
  sessionTtlSeconds: number;
  wallSessionTtlSeconds: number;
  loginMaxFailures: number;
  loginMaxFailuresPerAddress: number;
  loginBlockSeconds: number;
  writeRatePerMinute: number;
  trustProxy: boolean;
  /** How often team positions are broadcast (and tracks sampled). */
  teamPositionsMs: number;
  /** How often the cells whose coverage changed go out as one coverage:cells frame. */
  coverageFrameMs: number;
  trackRetentionDays: number;
  /** Squads per team base in the default roster. */
  teamsPerBase: number;
  /** Where live road speeds come from. */
  roadSpeeds: 'model' | 'feed';
  roadSpeedsTtlSeconds: number;
  /** The public address of this installation (origin only), or null to trust the Host header. */
  publicUrl: string | null;
  /** Reports older than this many days are refused. */
  reportMaxAgeDays: number;
  streamMaxSocketsPerSession: number;
  streamMaxSocketsPerToken: number;
  streamMaxBufferedBytes: number;
  caseNumberPrefix: string;
  /** Seconds without a heartbeat after which a camera is silent. */
  cameraSilentSeconds: number;
  /** The PDF exports' CJK font file and, in a collection, its face; null: look for Debian's. */
  pdfFont: { path: string; face: string | null } | null;
  factsCheckpointEvents: number;
}

/** Parses the environment; throws a readable error naming every bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(
    Object.fromEntries(Object.keys(ConfigSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]])),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    host: c.HOST,
    port: c.PORT,
    dataDir: resolve(c.DATA_DIR),
    cityCacheDir: resolve(c.CITY_CACHE_DIR ?? `${c.DATA_DIR}/cache`),
    sim: c.SIM === 'on',
    simSeed: c.SIM_SEED,
    simSpeed: c.SIM_SPEED,
    historyDays: c.HISTORY_DAYS,
    factsCheckpointEvents: c.FACTS_CHECKPOINT_EVENTS,
    citySeed: c.CITY_SEED,
    ingestMaxBatch: c.INGEST_MAX_BATCH,
    logLevel: c.LOG_LEVEL,
    basemapStyle: c.BASEMAP_STYLE ?? null,
    adminPassword: c.GRIDWATCH_ADMIN_PASSWORD ?? null,
    sessionTtlSeconds: c.SESSION_TTL_SECONDS,
    wallSessionTtlSeconds: c.WALL_SESSION_TTL_SECONDS,
    loginMaxFailures: c.LOGIN_MAX_FAILURES,
    loginMaxFailuresPerAddress: c.LOGIN_MAX_FAILURES_PER_ADDRESS,
    loginBlockSeconds: c.LOGIN_BLOCK_SECONDS,
    writeRatePerMinute: c.WRITE_RATE_PER_MINUTE,
    trustProxy: c.TRUST_PROXY === 'on',
    teamPositionsMs: c.TEAM_POSITIONS_MS,
    coverageFrameMs: c.COVERAGE_FRAME_MS,
    trackRetentionDays: c.TRACK_RETENTION_DAYS,
    teamsPerBase: c.TEAMS_PER_BASE,
    roadSpeeds: c.ROAD_SPEEDS,
    roadSpeedsTtlSeconds: c.ROAD_SPEEDS_TTL_SECONDS,
    publicUrl: c.PUBLIC_URL ? new URL(c.PUBLIC_URL).origin : null,
    reportMaxAgeDays: c.REPORT_MAX_AGE_DAYS,
    streamMaxSocketsPerSession: c.STREAM_MAX_SOCKETS_PER_SESSION,
    streamMaxSocketsPerToken: c.STREAM_MAX_SOCKETS_PER_TOKEN,
    streamMaxBufferedBytes: c.STREAM_MAX_BUFFERED_BYTES,
    caseNumberPrefix: c.CASE_NUMBER_PREFIX,
    cameraSilentSeconds: c.CAMERA_SILENT_SECONDS,
    pdfFont: c.PDF_FONT ? { path: resolve(c.PDF_FONT), face: c.PDF_FONT_FACE ?? null } : null,
  };
}
