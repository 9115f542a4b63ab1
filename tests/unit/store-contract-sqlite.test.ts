import { join } from 'node:path';
import { afterEach, describe } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { describeStoreContract } from '../contract/index.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

/**
 * The store contract (tests/contract/) against the SQLite engine: a fresh database file in its own
 * directory for every test. A PostgreSQL runner is a second file like this one, opening a fresh schema.
 */
const dirs: string[] = [];

// Runs after the contract's own afterEach, which closes the store.
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

describe('SQLite store', () => {
  describeStoreContract(async () => {
    const dir = makeDataDir();
    dirs.push(dir);
    return new SqliteStore(join(dir, 'gw.db'));
  });
});
