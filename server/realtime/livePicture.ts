import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/index.js';
import { may } from '../auth/principal.js';
import { socketPrincipal } from './socketAuth.js';

type GwServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Sockets that may read the live picture (live.read) hear team positions and overdue alerts. */
const ROOM = 'live-picture';

export function joinLivePicture(io: GwServer): void {
  io.on('connection', (socket) => {
    if (may(socketPrincipal(socket), 'live.read')) void socket.join(ROOM);
  });
}

export function toLivePicture(io: GwServer) {
  return io.to(ROOM);
}
