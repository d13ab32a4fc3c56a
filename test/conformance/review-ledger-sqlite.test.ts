// The review ledger conformance suite (review-ledger-conformance.ts) on the SQLite store: two stores
// opened on one database file stand for two gic processes sharing a data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { describeReviewLedgerConformance } from './review-ledger-conformance.js';

describeReviewLedgerConformance('SQLite (node:sqlite)', async ({ clock }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gic-ledger-'));
  const a = await openSqliteStore({ dataDir, clock, synchronous: 'normal' });
  const b = await openSqliteStore({ dataDir, clock, synchronous: 'normal' });
  return {
    stores: [a, b],
    async dispose() {
      await a.close();
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
