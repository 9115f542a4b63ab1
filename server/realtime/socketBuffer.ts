import type { Socket } from 'socket.io';

/**
 * What the server holds in memory for one socket, and when it may send it more.
 *
 * Engine.IO keeps a socket's unsent packets in its `writeBuffer` until the transport is writable
 * again; the WebSocket transport hands each flushed batch to `ws`, which keeps it in the TCP
 * socket's user-space buffer until the kernel takes it. A client that stops reading therefore costs
 * the server both buffers, without bound. Neither is in Engine.IO's public types, but they are the
 * only signal of a client that does not keep up, so they are read here, in one place.
 */
interface EnginePacket {
  data?: unknown;
}
interface EngineTransport {
  writable: boolean;
  name: string;
  /** The `ws` WebSocket of the websocket transport. */
  socket?: { bufferedAmount?: number; terminate?: () => void };
  once(event: 'drain' | 'ready' | 'close', fn: () => void): void;
  removeListener(event: 'drain' | 'ready' | 'close', fn: () => void): void;
}
interface EngineConnection {
  writeBuffer: EnginePacket[];
  transport: EngineTransport;
  readyState: string;
  once(event: 'upgrade' | 'close', fn: () => void): void;
  removeListener(event: 'upgrade' | 'close', fn: () => void): void;
}

const engineOf = (socket: Socket): EngineConnection => socket.conn as unknown as EngineConnection;

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data && typeof (data as ArrayBufferLike).byteLength === 'number') return (data as ArrayBufferLike).byteLength;
  return 0;
}

/** Bytes queued for this socket and not yet taken by the kernel (approximate: string lengths count as bytes). */
export function bufferedBytes(socket: Socket): number {
  const conn = engineOf(socket);
  let bytes = 0;
  for (const p of conn.writeBuffer) bytes += sizeOf(p.data);
  return bytes + (conn.transport.socket?.bufferedAmount ?? 0);
}

/** True when a message emitted now would go straight to the transport instead of waiting in memory. */
export function isWritable(socket: Socket): boolean {
  const conn = engineOf(socket);
  return conn.transport.writable && conn.writeBuffer.length === 0;
}

/**
 * Calls `fn` once, when the socket's transport has taken what was queued (or the connection changed
 * transport or closed, so that the caller looks again). Returns a function that cancels the wait.
 */
export function onceWritable(socket: Socket, fn: () => void): () => void {
  const conn = engineOf(socket);
  const transport = conn.transport;
  let done = false;
  const fire = () => {
    if (done) return;
    cancel();
    // The transport sets `writable` right after it emits 'drain': look in the next turn.
    setImmediate(fn);
  };
  const cancel = () => {
    done = true;
    transport.removeListener('drain', fire);
    transport.removeListener('ready', fire);
    conn.removeListener('upgrade', fire);
    conn.removeListener('close', fire);
  };
  transport.once('drain', fire);
  transport.once('ready', fire);
  conn.once('upgrade', fire);
  conn.once('close', fire);
  return cancel;
}

/**
 * Ends a socket that holds too much: what is still queued for it is discarded (stale positions and
 * alerts; the stream's events it can replay from the log), `lastWords` are queued alone, and the
 * socket is closed once the client has read its backlog, or after `graceMs` if it has not, so a
 * client that reads nothing keeps its buffers only that long.
 */
export function dropSocket(socket: Socket, lastWords: () => void, graceMs = 10_000): void {
  const conn = engineOf(socket);
  conn.writeBuffer.length = 0;
  lastWords();
  const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
  socket.disconnect(true);
  if (ws?.terminate) setTimeout(() => ws.terminate?.(), graceMs).unref();
}
