// `gic audit verify` on PostgreSQL reads the log through a server-side cursor, a page of rows per FETCH
// (src/store/postgres-store.ts verifyAudit). Against a real PostgreSQL 15 (test/peers/postgres): a log of
// 2,500 entries read in pages of 7, 100 and 1,000 rows gives, for the same tampering (on a page boundary,
// on a later page, swaps and renumbering whose read-ahead crosses into the next page), exactly the
// result the SQLite store gives for the same rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterAll, describe, expect, it } from 'vitest';

import { AppError } from '../../src/errors.js';
import { openPostgresStore, PostgresStore } from '../../src/store/postgres-store.js';
import { toSqliteParameters } from '../../src/store/sqlite-sql.js';
import { openSqliteStore, STORE_FILE } from '../../src/store/sqlite-store.js';
import type { AuditVerifyResult } from '../../src/store/store.js';
import { auditInput, manualClock } from '../conformance/store-conformance.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createTestDatabase } from '../peers/postgres/postgres-databases.js';
import { startPostgres } from '../peers/postgres/start-postgres.js';

const postgres = await startPeerOrSkip('postgres', () => startPostgres());
afterAll(async () => postgres?.stop());

const ENTRIES = 2_500;
/** Page sizes: 7 puts page boundaries everywhere, 100 is used by the boundary cases, 1,000 is the default. */
const FETCH_SIZES = [7, 100, 1_000] as const;

type Param = string | number | null;

interface Logs {
  /** Runs portable SQL on both databases (behind the stores' backs). */
  tamper(sql: string, params?: readonly Param[]): Promise<void>;
  /** verifyAudit on SQLite, and on PostgreSQL once per fetch size. */
  verify(): Promise<{ readonly sqlite: AuditVerifyResult; readonly postgres: readonly AuditVerifyResult[] }>;
}

describe.skipIf(!postgres)('PostgreSQL audit verify through a cursor, page by page', () => {
  const peer = postgres!.info;

  /** The same 2,500 entries (same inputs, same clock, so the same hashes) in PostgreSQL and in SQLite. */
  async function withLogs(test: (logs: Logs) => Promise<void>): Promise<void> {
    const { clock } = manualClock();
    const db = await createTestDatabase(peer);
    const dataDir = mkdtempSync(join(tmpdir(), 'gic-verify-pages-'));
    const writer = await openPostgresStore({ url: db.url, clock, poolSize: 2 });
    const sqlite = await openSqliteStore({ dataDir, clock, synchronous: 'normal' });
    const readers: PostgresStore[] = [];
    try {
      const inputs = Array.from({ length: ENTRIES }, (_, i) => auditInput(i + 1));
      // All requested at once: both stores commit them in groups, in the order asked.
      const [written, mirrored] = await Promise.all([Promise.all(inputs.map((input) => writer.appendAudit(input))), Promise.all(inputs.map((input) => sqlite.appendAudit(input)))]);
      expect(written.map((e) => e.seq)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i + 1));
      expect(written).toEqual(mirrored);
      for (const verifyFetchSize of FETCH_SIZES) readers.push(await openPostgresStore({ url: db.url, readOnly: true, poolSize: 1, verifyFetchSize }));
      await test({
        async tamper(sql, params = []) {
          await db.sql(sql, params);
          const file = new DatabaseSync(join(dataDir, STORE_FILE));
          try {
            file.prepare(toSqliteParameters(sql)).run(...params);
          } finally {
            file.close();
          }
        },
        async verify() {
          return { sqlite: await sqlite.verifyAudit(), postgres: await Promise.all(readers.map((r) => r.verifyAudit())) };
        },
      });
    } finally {
      await Promise.all([writer.close(), sqlite.close(), ...readers.map((r) => r.close())]);
      rmSync(dataDir, { recursive: true, force: true });
      await db.drop();
    }
  }

  /** Verifies both, expects every PostgreSQL page size to agree with SQLite, and returns that result. */
  async function agreed(logs: Logs): Promise<AuditVerifyResult> {
    const { sqlite, postgres: results } = await logs.verify();
    for (const result of results) expect(result).toEqual(sqlite);
    return sqlite;
  }

  const swap = async (logs: Logs, a: number, b: number): Promise<void> => {
    await logs.tamper('UPDATE audit_log SET seq = $1 WHERE seq = $2', [-1, a]);
    await logs.tamper('UPDATE audit_log SET seq = $1 WHERE seq = $2', [a, b]);
    await logs.tamper('UPDATE audit_log SET seq = $1 WHERE seq = $2', [b, -1]);
  };

  it('an intact log of 2,500 entries verifies in every page size', { timeout: 120_000 }, () =>
    withLogs(async (logs) => {
      expect(await agreed(logs)).toMatchObject({ ok: true, entries: ENTRIES, firstBad: null, head: { seq: ENTRIES } });
    }));

  it('an entry edited last on a page (seq 100), and one on a later page (seq 2,001)', { timeout: 120_000 }, () =>
    withLogs(async (logs) => {
      await logs.tamper("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 2001");
      expect(await agreed(logs)).toMatchObject({ ok: false, entries: ENTRIES, firstBad: { seq: 2001, kind: 'edited', reason: "entry 2001's contents do not match its hash: it was edited" } });
      await logs.tamper("UPDATE audit_log SET outcome = 'refused' WHERE seq = 100");
      expect(await agreed(logs)).toMatchObject({ ok: false, entries: ENTRIES, firstBad: { seq: 100, kind: 'edited' } });
    }));

  it('entries swapped across a page boundary (100 and 101): the read-ahead crosses into the next page', { timeout: 120_000 }, () =>
    withLogs(async (logs) => {
      await swap(logs, 100, 101);
      expect(await agreed(logs)).toMatchObject({
        ok: false,
        entries: ENTRIES,
        firstBad: { seq: 100, kind: 'reordered', reason: 'the entry at seq 100 was written as entry 101, and the one written as 100 now sits at seq 101: entries were reordered' },
      });
    }));

  it('entries swapped further apart on a later page (2,195 and 2,207)', { timeout: 120_000 }, () =>
    withLogs(async (logs) => {
      await swap(logs, 2195, 2207);
      expect(await agreed(logs)).toMatchObject({ ok: false, entries: ENTRIES, firstBad: { seq: 2195, kind: 'reordered' } });
    }));

  it('an entry removed at a page end (seq 1,000) and the rest renumbered: removed, 2,499 entries counted', { timeout: 120_000 }, () =>
    withLogs(async (logs) => {
      await logs.tamper('DELETE FROM audit_log WHERE seq = 1000');
      await logs.tamper('UPDATE audit_log SET seq = -seq WHERE seq > 1000');
      await logs.tamper('UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0');
      await logs.tamper('UPDATE audit_head SET seq = seq - 1');
      expect(await agreed(logs)).toMatchObject({
        ok: false,
        entries: ENTRIES - 1,
        firstBad: { seq: 1000, kind: 'removed', reason: 'the entry at seq 1000 was written as entry 1001: entry 1000 was removed and the rows after renumbered' },
      });
    }));

  it('a gap on a later page (seq 2,301 deleted): removed, 2,499 entries counted', { timeout: 120_000 }, () =>
    withLogs(async (logs) => {
      await logs.tamper('DELETE FROM audit_log WHERE seq = 2301');
      expect(await agreed(logs)).toMatchObject({ ok: false, entries: ENTRIES - 1, firstBad: { seq: 2301, kind: 'removed', reason: 'entry 2301 is missing: the log goes from entry 2300 to entry 2302' } });
    }));

  it('refuses a fetch size that is not a whole number from 1 to 100,000', () => {
    for (const verifyFetchSize of [0, -1, 1.5, 100_001, Number.NaN]) {
      expect(() => new PostgresStore({ url: peer.url, verifyFetchSize })).toThrow(AppError);
    }
  });
});
