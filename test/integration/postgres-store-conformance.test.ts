// The Store conformance suite (test/conformance/store-conformance.ts) on the PostgreSQL store, against a
// real PostgreSQL 15 started by this file (test/peers/postgres). Each test gets a fresh database;
// tampering runs on a separate connection while the store stays open.
import { afterAll } from 'vitest';

import { openPostgresStore, type PostgresStore } from '../../src/store/postgres-store.js';
import { describeStoreConformance } from '../conformance/store-conformance.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createTestDatabase } from '../peers/postgres/postgres-databases.js';
import { startPostgres } from '../peers/postgres/start-postgres.js';

const postgres = await startPeerOrSkip('postgres', () => startPostgres());
afterAll(async () => postgres?.stop());

if (postgres) {
  describeStoreConformance('PostgreSQL 15 (pg)', async ({ clock }) => {
    const db = await createTestDatabase(postgres.info);
    const open = (): Promise<PostgresStore> => openPostgresStore({ url: db.url, clock, poolSize: 4 });
    let store = await open();
    return {
      get store() {
        return store;
      },
      async tamper(sql: string, params: readonly (string | number | null)[] = []) {
        await db.sql(sql, params);
      },
      async reopen() {
        await store.close();
        store = await open();
        return store;
      },
      async dispose() {
        await store.close();
        await db.drop();
      },
    };
  });
}
