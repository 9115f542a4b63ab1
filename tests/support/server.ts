import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ADMIN_PASSWORD, createToken, rememberToken, signIn } from './credentials.js';

/**
 * Starts the real GridWatch server in a child process (as production runs it, minus the build) on a
 * free port with its own data directory, and waits until it listens. A child process, not an
 * in-process server, because the durability tests must be able to SIGKILL it.
 */
export interface TestServer {
  url: string;
  /** A dispatcher API token, sent by the API helpers by default (support/credentials.ts). */
  token: string;
  /** The admin's session cookie. */
  adminCookie: string;
  dataDir: string;
  proc: ChildProcess;
  logs: string[];
  /** Sends SIGKILL and waits for the process to be gone. */
  kill(): Promise<void>;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');
/** City caches are shared between test servers so only the first start generates the city. */
export const SHARED_CITY_CACHE = join(ROOT, 'var', 'test-cache');

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'gridwatch-test-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The servers this test process started and has not seen exit. A test file that fails before its
 * afterAll, or a worker that is torn down early, would otherwise leave its server running after the
 * whole run: they are killed when the test process exits.
 */
const LIVE_SERVERS = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of LIVE_SERVERS) p.kill('SIGKILL');
});

export async function startServer(opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? makeDataDir();
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'index.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      CITY_CACHE_DIR: SHARED_CITY_CACHE,
      SIM: 'off',
      HISTORY_DAYS: '0',
      LOG_LEVEL: 'info',
      GRIDWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Tests and benches post bursts; the write limit has its own test.
      WRITE_RATE_PER_MINUTE: '10000000',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  LIVE_SERVERS.add(proc);
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => proc.once('exit', () => {
    LIVE_SERVERS.delete(proc);
    resolve();
  }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error('server did not start in 90 s:\n' + logs.join('\n')));
    }, 90_000);
    createInterface({ input: proc.stderr! }).on('line', (l) => logs.push(l));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'GridWatch listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${logs.join('\n')}`));
    });
  });
  let adminCookie: string;
  let token: string;
  try {
    adminCookie = await signIn(url, 'admin', ADMIN_PASSWORD);
    token = await createToken(url, adminCookie, 'dispatcher', 'test-server');
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  rememberToken(url, token);
  return {
    url,
    token,
    adminCookie,
    dataDir,
    proc,
    logs,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A server on which a socket that stops reading passes its cap within seconds: 512 teams report five
 * times a second, and the server keeps at most 512 KiB for one socket.
 */
export function startServerWithPilingPositions(): Promise<TestServer> {
  return startServer({ env: { STREAM_MAX_BUFFERED_BYTES: String(512 * 1024), TEAMS_PER_BASE: '16', TEAM_POSITIONS_MS: '200' } });
}
