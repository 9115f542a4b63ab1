import { startGridWatch } from './app.js';
import { readConfig } from './config.js';
import { createLogger } from './log.js';

const config = readConfig();
const log = createLogger(config.logLevel);

const running = await startGridWatch(config, log).catch((err: unknown) => {
  log.fatal({ err }, 'GridWatch failed to start');
  process.exit(1);
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  await running.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
