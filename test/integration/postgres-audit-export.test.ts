// `gic audit export` on PostgreSQL (GIC_DATABASE_URL) streams the log through a server-side cursor
// (Store.iterateAudit, 1,000 rows per FETCH), against a real PostgreSQL 15 (test/peers/postgres): 2,600
// entries exported as json, jsonl and human give exactly what listAudit returns, for the whole log and a
// time range whose ends fall inside pages; iterateAudit in small pages agrees with listAudit too.
import { afterAll, describe, expect, it } from 'vitest';

import { openPostgresStore } from '../../src/store/postgres-store.js';
import type { AuditEntry } from '../../src/store/store.js';
import { expectExportsMatchListAudit, fillLargeLog, LARGE_LOG } from '../cli/audit-export-streamed.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createTestDatabase } from '../peers/postgres/postgres-databases.js';
import { startPostgres } from '../peers/postgres/start-postgres.js';

const postgres = await startPeerOrSkip('postgres', () => startPostgres());
afterAll(async () => postgres?.stop());

describe.skipIf(!postgres)('gic audit export on PostgreSQL, streamed', () => {
  it('exports 2,600 entries in pages exactly as listAudit returns them (json, jsonl, human; whole log and a range)', { timeout: 180_000 }, async () => {
    const db = await createTestDatabase(postgres!.info);
    let now = Date.parse('2026-12-01T09:00:00.000Z');
    const store = await openPostgresStore({ url: db.url, clock: () => new Date((now += 1_000)), poolSize: 2 });
    try {
      await fillLargeLog(store);
      const listed = await store.listAudit();
      for (const pageSize of [7, 999, 1_000]) {
        const streamed: AuditEntry[] = [];
        for await (const entry of store.iterateAudit({ pageSize })) streamed.push(entry);
        expect(streamed).toEqual(listed);
      }
      expect(listed).toHaveLength(LARGE_LOG);
      await expectExportsMatchListAudit(store, [], { GIC_DATABASE_URL: db.url, GIC_DATA_DIR: '/nonexistent/gic-data' });
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
