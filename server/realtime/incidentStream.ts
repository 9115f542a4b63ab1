import { performance } from 'node:perf_hooks';
import type { Server, Socket } from 'socket.io';
import {
  SubscribeMessage,
  type ClientToServerEvents,
  type IncidentEvent,
  type ServerToClientEvents,
  type StreamSocketsAnswer,
} from '../../shared/index.js';
import { may } from '../auth/principal.js';
import { eventsFor } from '../auth/redaction.js';
import type { Logger } from '../log.js';
import { socketPrincipal } from './socketAuth.js';
import { bufferedBytes, dropSocket, isWritable, onceWritable } from './socketBuffer.js';
import type { EventReader, Store } from '../store/store.js';

type GwServer = Server<ClientToServerEvents, ServerToClientEvents>;
type GwSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface IncidentStreamOptions {
  /** Events per message while replaying from the log. */
  replayChunk?: number;
  /** Event-loop time one turn of replays may take before it yields to I/O (ms). */
  turnBudgetMs?: number;
  /**
   * The share of the server's time replays may take while they run (0–1): after a turn of t ms the
   * next waits t × (1 − share) / share ms, so live clients and the API keep the rest, and a catch-up
   * takes longer rather than slowing what is live.
   */
  replayShare?: number;
  /** Bytes queued for a live socket past which it is taken off the live room until it has read them. */
  pauseBytes?: number;
  /** Bytes queued for any socket past which it is told to resync and dropped. */
  maxBufferedBytes?: number;
  /** How often every socket's queue is measured against maxBufferedBytes (ms). */
  sweepMs?: number;
}

/**
 * Everyone in a live room is up to date and receives each batch as it is committed: the full events
 * in one, with reporters' personal data redacted in the other. Each batch is encoded once per room.
 */
const LIVE_ROOM = 'incidents:live';
const LIVE_ROOM_PERSONAL = 'incidents:live:personal';
const roomFor = (socket: GwSocket) => (may(socketPrincipal(socket), 'personal.read') ? LIVE_ROOM_PERSONAL : LIVE_ROOM);

/**
 * One socket's subscription (there is at most one per socket).
 * - `replaying`: being sent the log after `cursor`, a chunk at a time, whenever its transport has
 *   taken the previous chunk;
 * - `waiting`: its transport has not taken what was sent; nothing more is sent until it has;
 * - `live`: in a live room, receiving every batch as it is committed.
 */
interface Subscription {
  readonly socket: GwSocket;
  /** The last seq this socket has been sent, or says it holds. */
  cursor: number;
  state: 'replaying' | 'waiting' | 'live';
  /** In the replay queue (so it is never queued twice). */
  queued: boolean;
  cancelWait: (() => void) | null;
  /** While replaying: the store's reader, which remembers the incidents read so far. */
  reader: EventReader | null;
}

/**
 * The live incident stream. Each client subscribes with the last seq it holds; it is sent the events
 * after that from the log, then joins a live room, where every committed batch is broadcast.
 *
 * - Exactly once, in order: a socket has one subscription. A second `subscribe` does not start a
 *   second replay; it moves the running one on to the later of the two positions (the client says
 *   it already holds everything up to its `sinceSeq`). A socket joins the live room only in the same
 *   tick in which its cursor equals the last broadcast seq, and every later broadcast starts after it.
 * - Bounded work per turn: replays of all sockets take turns in one queue, a chunk each, for at most
 *   `turnBudgetMs` of event-loop time, then yield to I/O and rest, taking at most `replayShare` of the
 *   server's time, so a replay of the whole log never holds up live clients or the HTTP API.
 * - Bounded memory per socket: a chunk is sent only when the socket's transport has taken the last
 *   one; a live socket whose queue passes `pauseBytes` leaves the live room and catches up from the
 *   log once it reads again; any socket holding more than `maxBufferedBytes` (it stopped reading while
 *   other messages kept coming) is told `resync_required` and dropped.
 */
export class IncidentStream {
  private head: number;
  private readonly subs = new Map<string, Subscription>();
  private readonly queue: Subscription[] = [];
  private pumping = false;
  private readonly replayChunk: number;
  private readonly turnBudgetMs: number;
  private readonly replayShare: number;
  private readonly pauseBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly sweepTimer: ReturnType<typeof setInterval>;

  constructor(
    private readonly io: GwServer,
    private readonly store: Pick<Store, 'incidents'>,
    headSeq: number,
    private readonly log: Logger,
    opts: IncidentStreamOptions = {},
  ) {
    this.head = headSeq;
    this.replayChunk = opts.replayChunk ?? 250;
    this.turnBudgetMs = opts.turnBudgetMs ?? 4;
    this.replayShare = opts.replayShare ?? 0.5;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.pauseBytes = opts.pauseBytes ?? Math.min(1024 * 1024, this.maxBufferedBytes / 4);
    io.on('connection', (socket) => this.onConnection(socket));
    this.sweepTimer = setInterval(() => this.dropSocketsOverCap(), opts.sweepMs ?? 1000);
    this.sweepTimer.unref();
  }

  get headSeq(): number {
    return this.head;
  }

  /** Every open socket with its subscription and what is queued for it. */
  describeSockets(): StreamSocketsAnswer {
    const sockets = [...this.io.sockets.sockets.values()].map((socket) => {
      const sub = this.subs.get(socket.id);
      const p = socketPrincipal(socket);
      return {
        id: socket.id,
        who: p?.name ?? '',
        role: p?.role ?? '',
        transport: socket.conn.transport.name,
        state: sub?.state ?? null,
        cursor: sub?.cursor ?? null,
        bufferedBytes: bufferedBytes(socket),
      };
    });
    return { headSeq: this.head, sockets };
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  /** Batches committed after one still on its way to publish(), keyed by their first seq. */
  private readonly early = new Map<number, IncidentEvent[]>();

  /**
   * Broadcasts a committed batch, in seq order. Writers (group-committed reports, case actions)
   * reach here through different promise chains, so a batch may arrive before the one committed just
   * ahead of it: it waits until the gap is filled, and the stream never shows a gap or a reordering.
   */
  publish(events: IncidentEvent[]): void {
    const first = events[0];
    if (!first) return;
    if (first.seq <= this.head) {
      this.log.error({ head: this.head, first: first.seq }, 'event batch already published');
      return;
    }
    this.early.set(first.seq, events);
    for (let next = this.early.get(this.head + 1); next; next = this.early.get(this.head + 1)) {
      this.early.delete(this.head + 1);
      this.broadcast(next);
    }
    if (this.early.size > 1000) this.log.error({ head: this.head, waiting: this.early.size }, 'event batches waiting for a gap in the log');
  }

  private broadcast(events: IncidentEvent[]): void {
    const last = events[events.length - 1]!;
    const live = [...this.subs.values()].filter((s) => s.state === 'live');
    for (const sub of live) if (bufferedBytes(sub.socket) > this.pauseBytes) this.pause(sub);
    // An emit encodes even for an empty room: skip rooms nobody is in.
    const rooms = this.io.sockets.adapter.rooms;
    if (rooms.get(LIVE_ROOM_PERSONAL)?.size) this.io.to(LIVE_ROOM_PERSONAL).emit('incident:events', { events });
    if (rooms.get(LIVE_ROOM)?.size) this.io.to(LIVE_ROOM).emit('incident:events', { events: eventsFor(null, events) });
    this.head = last.seq;
    for (const sub of live) if (sub.state === 'live') sub.cursor = this.head;
  }

  private onConnection(socket: GwSocket): void {
    socket.emit('hello', { headSeq: this.head, serverTime: new Date().toISOString() });
    socket.on('subscribe', (raw) => this.subscribe(socket, raw));
    socket.on('disconnect', () => {
      this.subs.get(socket.id)?.cancelWait?.();
      this.subs.delete(socket.id);
    });
  }

  private subscribe(socket: GwSocket, raw: unknown): void {
    const parsed = SubscribeMessage.safeParse(raw);
    if (!parsed.success) {
      socket.emit('stream:error', { code: 'invalid_request', message: 'subscribe needs {sinceSeq: integer ≥ 0}.' });
      return;
    }
    const { sinceSeq } = parsed.data;
    if (sinceSeq > this.head) {
      // The client holds events this server never wrote (a reset database): it must reload.
      socket.emit('stream:error', {
        code: 'seq_ahead',
        message: `sinceSeq ${sinceSeq} is beyond the head of the log (${this.head}); reload the data.`,
      });
      return;
    }
    const sub = this.subs.get(socket.id);
    if (!sub) {
      const fresh: Subscription = { socket, cursor: sinceSeq, state: 'replaying', queued: false, cancelWait: null, reader: null };
      this.subs.set(socket.id, fresh);
      this.enqueue(fresh);
      return;
    }
    // The running subscription goes on from the later position; nothing is sent twice.
    sub.cursor = Math.max(sub.cursor, sinceSeq);
    if (sub.state === 'live') socket.emit('stream:live', { headSeq: this.head });
  }

  /** Takes a live socket whose queue backs up off the live room; it catches up from the log once it reads again. */
  private pause(sub: Subscription): void {
    void sub.socket.leave(LIVE_ROOM);
    void sub.socket.leave(LIVE_ROOM_PERSONAL);
    this.log.warn({ socket: sub.socket.id, bufferedBytes: bufferedBytes(sub.socket) }, 'slow client taken off the live room');
    this.waitUntilWritable(sub);
  }

  private waitUntilWritable(sub: Subscription): void {
    sub.state = 'waiting';
    sub.cancelWait = onceWritable(sub.socket, () => {
      sub.cancelWait = null;
      if (this.subs.get(sub.socket.id) !== sub) return;
      sub.state = 'replaying';
      this.enqueue(sub);
    });
  }

  private enqueue(sub: Subscription): void {
    if (sub.queued) return;
    sub.queued = true;
    this.queue.push(sub);
    this.schedulePump();
  }

  private schedulePump(restMs = 0): void {
    if (this.pumping) return;
    this.pumping = true;
    const turn = () => {
      const t0 = performance.now();
      this.pumpTurn()
        .catch((err: unknown) => this.log.error({ err }, 'replay turn failed'))
        .finally(() => {
          this.pumping = false;
          const took = performance.now() - t0;
          if (this.queue.length > 0) this.schedulePump((took * (1 - this.replayShare)) / this.replayShare);
        });
    };
    if (restMs >= 1) setTimeout(turn, restMs);
    else setImmediate(turn);
  }

  /** One turn: a chunk for each replaying socket in turn, until the queue is empty or the turn's time is up. */
  private async pumpTurn(): Promise<void> {
    const until = performance.now() + this.turnBudgetMs;
    while (this.queue.length > 0 && performance.now() < until) {
      const sub = this.queue.shift()!;
      sub.queued = false;
      let again = false;
      try {
        again = await this.replayStep(sub);
      } catch (err) {
        this.log.error({ err, socket: sub.socket.id }, 'replay failed');
        this.resync(sub.socket, 'Replay from the event log failed.');
      }
      if (again) {
        sub.queued = true;
        this.queue.push(sub);
      }
    }
  }

  /** Sends the socket its next chunk of the log, or lets it join the live room; true if it has more to come. */
  private async replayStep(sub: Subscription): Promise<boolean> {
    const { socket } = sub;
    if (this.subs.get(socket.id) !== sub || socket.disconnected || sub.state !== 'replaying') return false;
    if (sub.cursor >= this.head) {
      // Same tick as the check above: no broadcast can slip in between.
      void socket.join(roomFor(socket));
      sub.state = 'live';
      sub.reader = null;
      socket.emit('stream:live', { headSeq: this.head });
      return false;
    }
    if (!isWritable(socket)) {
      this.waitUntilWritable(sub);
      return false;
    }
    sub.reader ??= this.store.incidents.eventReader();
    const events = await sub.reader.read(sub.cursor, this.head, this.replayChunk);
    if (this.subs.get(socket.id) !== sub || socket.disconnected) return false;
    if (events.length === 0) throw new Error(`no events after ${sub.cursor} up to head ${this.head}`);
    // A resubscribe during the read may have moved the cursor on.
    const fresh = events[0]!.seq > sub.cursor ? events : events.filter((e) => e.seq > sub.cursor);
    if (fresh.length > 0) {
      socket.emit('incident:events', { events: eventsFor(socketPrincipal(socket), fresh) });
      sub.cursor = fresh[fresh.length - 1]!.seq;
    }
    return true;
  }

  private resync(socket: GwSocket, why: string): void {
    if (socket.disconnected) return;
    this.subs.get(socket.id)?.cancelWait?.();
    this.subs.delete(socket.id);
    dropSocket(socket, () =>
      socket.emit('stream:error', { code: 'resync_required', message: `${why} Take a fresh snapshot and subscribe from its seq.` }),
    );
  }

  /** A socket that stopped reading while messages kept coming for it (positions, alerts) is dropped past the cap. */
  private dropSocketsOverCap(): void {
    for (const socket of this.io.sockets.sockets.values()) {
      const bytes = bufferedBytes(socket);
      if (bytes <= this.maxBufferedBytes) continue;
      this.log.warn({ socket: socket.id, bufferedBytes: bytes }, 'socket dropped: it holds more unread data than the cap');
      this.resync(socket, `This connection held ${bytes} unread bytes, more than the ${this.maxBufferedBytes} the server keeps for one client.`);
    }
  }
}
