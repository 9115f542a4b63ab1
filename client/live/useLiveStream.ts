import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import { request } from '../cases/caseApi.js';
import { LiveStream, type LinkStatus, type LiveSnapshot, type LiveSocket, type LiveStreamOptions } from './liveStream.js';

/** The head of the event log now: where a snapshot read after it starts. */
export async function readHeadSeq(signal?: AbortSignal): Promise<number> {
  return (await request<{ headSeq: number }>('/api/health', { signal })).headSeq;
}

/** A new connection to this page's server (websocket only: the server's own origin). */
export const connectToServer = (): LiveSocket => io({ transports: ['websocket'], forceNew: true });

export interface LiveStreamConfig extends Omit<LiveStreamOptions, 'connect' | 'snapshot' | 'onLink'> {
  /** The page's data; `position` defaults to the health read. */
  snapshot?: Pick<LiveSnapshot, 'load'> & Partial<Pick<LiveSnapshot, 'position'>>;
}

/**
 * The live stream (liveStream.ts) for a React page: started on mount and whenever `deps` change,
 * stopped on unmount. The latest `config` is always the one called (no restart when a callback
 * changes identity). Answers the link state.
 */
export function useLiveStream(config: LiveStreamConfig, deps: readonly unknown[]): LinkStatus {
  const ref = useRef(config);
  ref.current = config;
  const [link, setLink] = useState<LinkStatus>({ state: 'connecting', liveSince: null, lostAt: null });
  const hasSnapshot = config.snapshot !== undefined;

  useEffect(() => {
    const c = () => ref.current;
    const stream = new LiveStream({
      connect: connectToServer,
      snapshot: hasSnapshot
        ? {
            position: (signal) => (c().snapshot?.position ?? readHeadSeq)(signal),
            load: (seq, reload, signal) => c().snapshot!.load(seq, reload, signal),
          }
        : undefined,
      onEvents: (events) => c().onEvents?.(events),
      on: {
        'team:positions': (msg) => c().on?.['team:positions']?.(msg),
        'case:overdue': (msg) => c().on?.['case:overdue']?.(msg),
        'task:changed': (msg) => c().on?.['task:changed']?.(msg),
        'coverage:cells': (frame) => c().on?.['coverage:cells']?.(frame),
        'coverage:alert': (msg) => c().on?.['coverage:alert']?.(msg),
        'camera:alert': (msg) => c().on?.['camera:alert']?.(msg),
        'roads:speeds': (frame) => c().on?.['roads:speeds']?.(frame),
      },
      onHello: (msg) => c().onHello?.(msg),
      onConnect: () => c().onConnect?.(),
      onLink: setLink,
      onSessionEnded: (reason) => c().onSessionEnded(reason),
      log: ref.current.log,
      backoff: ref.current.backoff,
    });
    stream.start();
    return () => stream.stop();
  }, [hasSnapshot, ...deps]);

  return link;
}
