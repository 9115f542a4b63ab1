/**
 * A client that replays the whole event log, in a process of its own (so that its own work does not
 * count against the clients the replay bench measures): `node --import tsx replayClient.ts URL TOKEN`.
 * Prints one JSON line when the replay has reached the head: `{events, seconds, inOrder}`.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/index.js';

const [url, token] = process.argv.slice(2);
if (!url || !token) throw new Error('usage: replayClient.ts URL TOKEN');
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
let events = 0;
let last = 0;
let inOrder = true;
let t0 = 0;
socket.on('connect', () => {
  t0 = performance.now();
  socket.emit('subscribe', { sinceSeq: 0 });
});
socket.on('incident:events', (m) => {
  for (const e of m.events) {
    if (e.seq !== last + 1) inOrder = false;
    last = e.seq;
  }
  events += m.events.length;
});
socket.on('stream:live', ({ headSeq }) => {
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ events, headSeq, seconds: Number(seconds.toFixed(2)), inOrder }));
  socket.close();
});
socket.on('connect_error', (err) => {
  console.error(err.message);
  process.exit(1);
});
