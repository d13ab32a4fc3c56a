// The review ledger conformance suite (test/conformance/review-ledger-conformance.ts) on the PostgreSQL
// store, against a real PostgreSQL 15 (test/peers/postgres): two stores on one database stand for two
// replicas; claims lock the next row with FOR UPDATE SKIP LOCKED. Each test gets a fresh database.
import { afterAll } from 'vitest';

import { openPostgresStore } from '../../src/store/postgres-store.js';
import { describeReviewLedgerConformance } from '../conformance/review-ledger-conformance.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createTestDatabase } from '../peers/postgres/postgres-databases.js';
import { startPostgres } from '../peers/postgres/start-postgres.js';

const postgres = await startPeerOrSkip('postgres', () => startPostgres());
afterAll(async () => postgres?.stop());

if (postgres) {
  describeReviewLedgerConformance('PostgreSQL 15 (pg)', async ({ clock }) => {
    const db = await createTestDatabase(postgres.info);
    const a = await openPostgresStore({ url: db.url, clock, poolSize: 3 });
    const b = await openPostgresStore({ url: db.url, clock, poolSize: 3 });
    return {
      stores: [a, b],
      async dispose() {
        await a.close();
        await b.close();
        await db.drop();
      },
    };
  });
}
