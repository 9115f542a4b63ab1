import type { Server, Socket } from 'socket.io';
import {
  SubscribeMessage,
  type ClientToServerEvents,
  type IncidentEvent,
  type ServerToClientEvents,
} from '../../shared/index.js';
import { may } from '../auth/principal.js';
import { eventsFor } from '../auth/redaction.js';
import type { Logger } from '../log.js';
import { socketPrincipal } from './socketAuth.js';
import type { IncidentStore } from '../store/store.js';

type GwServer = Server<ClientToServerEvents, ServerToClientEvents>;
type GwSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface IncidentStreamOptions {
  /** Events per message while replaying from the log. */
  replayBatch?: number;
  /** Engine.IO packets queued for one client beyond which it counts as slow and is taken off the live room. */
  maxQueuedPackets?: number;
}

/**
 * Everyone in a live room is up to date and receives each batch as it is committed: the full events
 * in one, with reporters' personal data redacted in the other. Each batch is encoded once per room.
 */
const LIVE_ROOM = 'incidents:live';
const LIVE_ROOM_PERSONAL = 'incidents:live:personal';
const roomFor = (socket: GwSocket) => (may(socketPrincipal(socket), 'personal.read') ? LIVE_ROOM_PERSONAL : LIVE_ROOM);
const isLive = (socket: GwSocket | undefined) => !!socket && (socket.rooms.has(LIVE_ROOM) || socket.rooms.has(LIVE_ROOM_PERSONAL));

interface Subscriber {
  /** The last seq this client has been sent. */
  cursor: number;
  /** Bumped on every (re)subscribe so that a superseded replay stops. */
  generation: number;
  replaying: boolean;
}

/**
 * The live incident stream. Each client subscribes with the last seq it holds; it is replayed the
 * events after that from the log, then joins the live room, where every committed batch is
 * broadcast (encoded once for all clients).
 *
 * Gap-free and duplicate-free by construction: a client joins the live room only in the same tick
 * in which its cursor equals the last broadcast seq (`head`), and every later broadcast starts at
 * head + 1. A client whose send queue backs up is moved out of the live room and catches up from
 * the log when its queue has drained, so one slow client never holds back the others and never
 * loses an event.
 */
export class IncidentStream {
  private head: number;
  private readonly subs = new Map<string, Subscriber>();
  private readonly replayBatch: number;
  private readonly maxQueued: number;

  constructor(
    private readonly io: GwServer,
    private readonly store: IncidentStore,
    headSeq: number,
    private readonly log: Logger,
    opts: IncidentStreamOptions = {},
  ) {
    this.head = headSeq;
    this.replayBatch = opts.replayBatch ?? 1000;
    this.maxQueued = opts.maxQueuedPackets ?? 64;
    io.on('connection', (socket) => this.onConnection(socket));
  }

  get headSeq(): number {
    return this.head;
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
    this.demoteSlowClients();
    // An emit encodes even for an empty room: skip rooms nobody is in.
    const rooms = this.io.sockets.adapter.rooms;
    if (rooms.get(LIVE_ROOM_PERSONAL)?.size) this.io.to(LIVE_ROOM_PERSONAL).emit('incident:events', { events });
    if (rooms.get(LIVE_ROOM)?.size) this.io.to(LIVE_ROOM).emit('incident:events', { events: eventsFor(null, events) });
    this.head = last.seq;
    for (const [id, sub] of this.subs) {
      if (!sub.replaying && isLive(this.io.sockets.sockets.get(id))) sub.cursor = this.head;
    }
  }

  private onConnection(socket: GwSocket): void {
    socket.emit('hello', { headSeq: this.head, serverTime: new Date().toISOString() });
    socket.on('subscribe', (raw) => {
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
      const prev = this.subs.get(socket.id);
      const sub: Subscriber = { cursor: sinceSeq, generation: (prev?.generation ?? 0) + 1, replaying: false };
      this.subs.set(socket.id, sub);
      void socket.leave(LIVE_ROOM);
      void socket.leave(LIVE_ROOM_PERSONAL);
      void this.catchUp(socket, sub);
    });
    socket.conn.on('drain', () => {
      const sub = this.subs.get(socket.id);
      if (sub && !sub.replaying && !isLive(socket)) void this.catchUp(socket, sub);
    });
    socket.on('disconnect', () => this.subs.delete(socket.id));
  }

  /** Sends the client what it lacks from the log, then lets it join the live room. */
  private async catchUp(socket: GwSocket, sub: Subscriber): Promise<void> {
    const generation = sub.generation;
    sub.replaying = true;
    try {
      for (;;) {
        if (sub.generation !== generation || socket.disconnected) return;
        if (sub.cursor >= this.head) {
          // Same tick as the check above: no broadcast can slip in between.
          void socket.join(roomFor(socket));
          socket.emit('stream:live', { headSeq: this.head });
          return;
        }
        if (this.queued(socket) > this.maxQueued) return; // resumed by the 'drain' handler
        const events = await this.store.readEvents(sub.cursor, this.head, this.replayBatch);
        if (sub.generation !== generation || socket.disconnected) return;
        const last = events[events.length - 1];
        if (!last) return;
        socket.emit('incident:events', { events: eventsFor(socketPrincipal(socket), events) });
        sub.cursor = last.seq;
      }
    } catch (err) {
      this.log.error({ err, socket: socket.id }, 'replay failed');
      socket.emit('stream:error', { code: 'replay_failed', message: 'Replay from the event log failed; resubscribe.' });
    } finally {
      if (sub.generation === generation) sub.replaying = false;
    }
  }

  /**
   * Packets waiting in Engine.IO's send buffer. Engine.IO keeps it private in its types, but it is
   * the only signal of a client that does not keep up (the buffer grows while the transport is busy).
   */
  private queued(socket: GwSocket): number {
    return (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
  }

  private demoteSlowClients(): void {
    const live = [...(this.io.sockets.adapter.rooms.get(LIVE_ROOM) ?? []), ...(this.io.sockets.adapter.rooms.get(LIVE_ROOM_PERSONAL) ?? [])];
    for (const id of live) {
      const socket = this.io.sockets.sockets.get(id);
      if (socket && this.queued(socket) > this.maxQueued) {
        void socket.leave(LIVE_ROOM);
        void socket.leave(LIVE_ROOM_PERSONAL);
        this.log.warn({ socket: id, queued: this.queued(socket) }, 'slow client taken off the live room');
      }
    }
  }
}
