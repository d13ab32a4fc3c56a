// The Store conformance suite (store-conformance.ts) on the SQLite store: each test gets a fresh data
// directory; tampering runs on a second node:sqlite connection to the same file, as someone with
// access to the file would do it, while the store stays open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { openSqliteStore, STORE_FILE, type SqliteStore } from '../../src/store/sqlite-store.js';
import { toSqliteParameters } from '../../src/store/sqlite-sql.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('SQLite (node:sqlite)', async ({ clock }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gic-store-'));
  // `synchronous: normal` keeps the suite fast on a shared machine; durability is not what it tests.
  const open = (): Promise<SqliteStore> => openSqliteStore({ dataDir, clock, synchronous: 'normal' });
  let store = await open();
  const harness = {
    get store() {
      return store;
    },
    async tamper(sql: string, params: readonly (string | number | null)[] = []) {
      const db = new DatabaseSync(join(dataDir, STORE_FILE));
      try {
        db.prepare(toSqliteParameters(sql)).run(...params);
      } finally {
        db.close();
      }
    },
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
});
