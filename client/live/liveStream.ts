import type { Socket } from 'socket.io-client';
import type {
  CaseOverdueMessage,
  ClientToServerEvents,
  CoverageAlertMessage,
  CameraAlertMessage,
  HelloMessage,
  IncidentEvent,
  ServerToClientEvents,
  SessionEndedMessage,
  TaskChangedMessage,
  TeamPositionsMessage,
} from '../../shared/index.js';

/**
 * The client's one live stream (framework-free, so it runs in Node against a real server as well):
 *
 * 1. Snapshot: read the head of the event log (`position`, GET /api/health) *before* any of the
 *    page's data (`load`), so that every event committed while the data loads lies after that seq.
 * 2. Subscribe from that seq, once per connection; the server replays what came after it, says
 *    `stream:live`, then sends every committed batch. Events at or below the seq already applied are
 *    dropped here; an event that the loaded data already shows in a newer state is the sink's to skip
 *    (incidents carry their `seq`: IncidentColumns and CaseBoard keep the newer one).
 * 3. A dropped connection reconnects (Socket.IO's own backoff) and subscribes from the last seq
 *    applied: no gap, no duplicate. `resync_required` / `seq_ahead` (or a gap in the seqs) take a
 *    fresh snapshot, then subscribe from its seq on a new connection, with backoff.
 * 4. `session:ended`, or a handshake refused as `unauthenticated` / `cross_origin`, or a 401 while
 *    loading: stop for good and tell the page once. `too_many_sockets` (and any other refusal) is
 *    retried later with backoff; the link shows `refused` meanwhile.
 *
 * Channels that carry no event-log seq (`task:changed`, `case:overdue`, `team:positions`,
 * `coverage:cells`) ride on the same socket; a stream without a snapshot does not subscribe, and
 * `onConnect` (every connect and reconnect) is where such a page reads again what it shows.
 */

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * `connecting` until the first snapshot and connection, `replaying` while catching up (after a
 * reconnect, or reloading after a resync), `live`, `offline` while the server cannot be reached,
 * `refused` while the server turns the connection away for now (too many sockets).
 */
export type LinkState = 'connecting' | 'replaying' | 'live' | 'offline' | 'refused';

export interface LinkStatus {
  state: LinkState;
  /** When the stream last became live. */
  liveSince: Date | null;
  /** When it stopped being live (or first failed), for "stale since"; null while live. */
  lostAt: Date | null;
}

/** Why the stream stopped for good: the server ended the session, or refused it (a 401, a refused handshake). */
export type SessionEnd = SessionEndedMessage['code'] | 'unauthenticated';

export interface LiveSnapshot {
  /** The head of the event log now (GET /api/health `headSeq`). Read before `load`, never after. */
  position(signal: AbortSignal): Promise<number>;
  /**
   * Reads the page's data and puts it in place of what the page held (`reload`: false on the first
   * try, when nothing is held; true after a resync or a failed try, when what is held may be
   * partial, older, or from a reset log). Throwing an error with `status: 401` ends the session; any
   * other error is retried with backoff.
   */
  load(seq: number, reload: boolean, signal: AbortSignal): Promise<void>;
}

/** Messages without a seq, passed on as they come. */
export interface SeqlessHandlers {
  'team:positions'?: (msg: TeamPositionsMessage) => void;
  'case:overdue'?: (msg: CaseOverdueMessage) => void;
  'task:changed'?: (msg: TaskChangedMessage) => void;
  /**
   * The cells whose coverage changed, as one binary frame (shared/coverage/cellFrame.ts). Frames
   * carry their own coverage seq, apart from the event log's: the coverage store (client/coverage/)
   * orders them and reads its snapshot again on a gap and on every connect.
   */
  'coverage:cells'?: (frame: ArrayBuffer) => void;
  /** A town's patrol alert raised or cleared (the standing ones are read with `GET /api/coverage/alerts`). */
  'coverage:alert'?: (msg: CoverageAlertMessage) => void;
  /**
   * The roads whose speed ratio byte changed, as one binary frame (shared/traffic/speedFrame.ts), with
   * their own seq: the road speed store (client/traffic/) orders them like the coverage store.
   */
  'roads:speeds'?: (frame: ArrayBuffer) => void;
  /** Cameras out of the coverage or back. */
  'camera:alert'?: (msg: CameraAlertMessage) => void;
}

export interface LiveStreamOptions {
  /** Opens a new connection (a new Socket.IO manager each call); the stream owns and closes it. */
  connect(): LiveSocket;
  /** Without a snapshot the stream does not subscribe to incident events. */
  snapshot?: LiveSnapshot;
  /** New events, in seq order, each once. */
  onEvents?(events: IncidentEvent[]): void;
  on?: SeqlessHandlers;
  onHello?(msg: HelloMessage): void;
  /** After every connect and reconnect. */
  onConnect?(): void;
  onLink?(link: LinkStatus): void;
  /** Called once, after the stream has stopped. */
  onSessionEnded(reason: SessionEnd): void;
  /** Refused messages and other oddities; console.warn by default. */
  log?(message: string, detail?: unknown): void;
  /** Delays of the stream's own retries (resync, refused handshakes, failed loads). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** In [0, 1): jitter, so that many displays do not retry in step. */
  random?: () => number;
}

const defaultRandom = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

const isUnauthenticated = (err: unknown) => typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 401;

export class LiveStream {
  private socket: LiveSocket | null = null;
  private seq = 0;
  private stopped = false;
  private started = false;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | null = null;
  private link: LinkStatus = { state: 'connecting', liveSince: null, lostAt: null };

  constructor(private readonly opts: LiveStreamOptions) {}

  /** The seq of the last event applied (or of the snapshot, before any). */
  get lastSeq(): number {
    return this.seq;
  }

  get status(): LinkStatus {
    return this.link;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.opts.snapshot) void this.takeSnapshot(false);
    else this.open();
  }

  /** Closes the connection and cancels every retry; nothing is called after this. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.closeSocket();
  }

  private async takeSnapshot(reload: boolean): Promise<void> {
    const snapshot = this.opts.snapshot!;
    const abort = (this.abort = new AbortController());
    try {
      const seq = await snapshot.position(abort.signal);
      if (this.stopped) return;
      await snapshot.load(seq, reload, abort.signal);
      if (this.stopped) return;
      this.seq = seq;
    } catch (err) {
      if (this.stopped) return;
      if (isUnauthenticated(err)) return this.end('unauthenticated');
      this.log('loading the snapshot failed; trying again', err);
      this.setLink('offline');
      // Part of it may have been put in place: the next try replaces it.
      this.retry(() => void this.takeSnapshot(true));
      return;
    } finally {
      if (this.abort === abort) this.abort = null;
    }
    this.open();
  }

  private open(): void {
    const s = this.opts.connect();
    this.socket = s;
    const mine = () => this.socket === s && !this.stopped;
    s.on('connect', () => {
      if (!mine()) return;
      if (this.opts.snapshot) {
        this.setLink('replaying');
        s.emit('subscribe', { sinceSeq: this.seq });
      } else {
        this.attempt = 0;
        this.setLink('live');
      }
      this.opts.onConnect?.();
    });
    s.on('hello', (msg) => {
      if (mine()) this.opts.onHello?.(msg);
    });
    s.on('incident:events', ({ events }) => {
      if (mine()) this.take(events);
    });
    s.on('stream:live', () => {
      if (!mine()) return;
      this.attempt = 0;
      this.setLink('live');
    });
    s.on('stream:error', ({ code, message }) => {
      if (!mine()) return;
      if (code === 'resync_required' || code === 'seq_ahead') {
        this.log(`stream: ${code}; taking a fresh snapshot`, message);
        this.resync();
      } else {
        // That message was refused; the stream goes on. Sending it again would be refused again.
        this.log(`stream: ${code}`, message);
      }
    });
    s.on('session:ended', ({ code }) => {
      if (mine()) this.end(code);
    });
    s.on('connect_error', (err) => {
      if (!mine()) return;
      // Socket.IO retries by itself when the server could not be reached; a refusal by the server is final.
      if (s.active) return this.setLink('offline');
      if (err.message === 'unauthenticated' || err.message === 'cross_origin') return this.end('unauthenticated');
      this.log(`connection refused: ${err.message}; trying again later`);
      this.setLink(err.message === 'too_many_sockets' ? 'refused' : 'offline');
      this.closeSocket();
      this.retry(() => this.open());
    });
    s.on('disconnect', () => {
      if (!mine()) return;
      this.setLink('offline');
      // Socket.IO reconnects by itself unless the server closed the socket (or it was closed here).
      if (!s.active) {
        this.closeSocket();
        this.retry(() => this.open());
      }
    });
    const seqless = this.opts.on ?? {};
    s.on('team:positions', (msg) => {
      if (mine()) seqless['team:positions']?.(msg);
    });
    s.on('case:overdue', (msg) => {
      if (mine()) seqless['case:overdue']?.(msg);
    });
    s.on('task:changed', (msg) => {
      if (mine()) seqless['task:changed']?.(msg);
    });
    s.on('coverage:cells', (frame) => {
      if (mine()) seqless['coverage:cells']?.(frame);
    });
    s.on('coverage:alert', (msg) => {
      if (mine()) seqless['coverage:alert']?.(msg);
    });
    s.on('roads:speeds', (frame) => {
      if (mine()) seqless['roads:speeds']?.(frame);
    });
    s.on('camera:alert', (msg) => {
      if (mine()) seqless['camera:alert']?.(msg);
    });
  }

  private take(events: IncidentEvent[]): void {
    const fresh: IncidentEvent[] = [];
    for (const e of events) {
      if (e.seq <= this.seq) continue;
      if (e.seq !== this.seq + 1) {
        // Never expected: the log is consecutive. What is held can no longer be trusted to be whole.
        this.log(`stream: expected seq ${this.seq + 1}, got ${e.seq}; taking a fresh snapshot`);
        if (fresh.length > 0) this.opts.onEvents?.(fresh);
        this.resync();
        return;
      }
      fresh.push(e);
      this.seq = e.seq;
    }
    if (fresh.length > 0) this.opts.onEvents?.(fresh);
  }

  /** A fresh snapshot, then a new connection subscribed from its seq. */
  private resync(): void {
    this.closeSocket();
    this.setLink('replaying');
    this.retry(() => void this.takeSnapshot(true));
  }

  private end(reason: SessionEnd): void {
    if (this.stopped) return;
    this.stop();
    this.opts.onSessionEnded(reason);
  }

  private retry(then: () => void): void {
    const base = this.opts.backoff?.baseMs ?? 1000;
    const max = this.opts.backoff?.maxMs ?? 30_000;
    const ceiling = Math.min(max, base * 2 ** Math.min(this.attempt, 16));
    this.attempt += 1;
    // Half fixed, half random.
    const delay = ceiling / 2 + (ceiling / 2) * (this.opts.random ?? defaultRandom)();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) then();
    }, delay);
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = null;
    s?.close();
  }

  private setLink(state: LinkState): void {
    const prev = this.link;
    if (prev.state === state) return;
    const now = new Date();
    this.link =
      state === 'live'
        ? { state, liveSince: now, lostAt: null }
        : { state, liveSince: prev.liveSince, lostAt: prev.lostAt ?? (prev.state === 'live' || state === 'offline' || state === 'refused' ? now : null) };
    this.opts.onLink?.(this.link);
  }

  private log(message: string, detail?: unknown): void {
    if (this.opts.log) this.opts.log(message, detail);
    else console.warn(message, detail ?? '');
  }
}
