import { pino, type Logger } from 'pino';

export type { Logger };

/** One structured JSON logger for the process; modules take child loggers named after themselves. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'gridwatch' } });
}
