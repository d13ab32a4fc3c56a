// Two real processes append thousands of audit entries to one data directory at the same time
// (test/support/audit-append-worker.ts, forked with tsx): one appends one entry after the other, the
// other keeps 16 appends in flight (so its entries are committed in groups). Afterwards the chain has
// no gap and no fork, every entry each process was acknowledged is there with its own contents, the
// writers really ran interleaved (each holds after its first append until the other has made one, so a
// busy machine cannot run them one after the other), and `verifyAudit` passes. `synchronous: normal` keeps the test fast
// on a shared machine; the locking under test is the same as with `full`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { runAppendWorkers } from '../support/run-append-workers.js';

const PER_WRITER = 2500;
const dataDir = mkdtempSync(join(tmpdir(), 'gic-store-writers-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('two processes appending to one audit log', () => {
  it('neither forks the chain nor loses an entry', { timeout: 180_000 }, async () => {
    const { reports } = await runAppendWorkers(dataDir, [{ name: 'a' }, { name: 'b', inFlight: 16 }], PER_WRITER, 'normal', { interleave: true });
    const store = await openSqliteStore({ dataDir, readOnly: true });
    try {
      const entries = await store.listAudit();
      expect(entries).toHaveLength(2 * PER_WRITER);
      // No gaps, no duplicates: seq 1..2N, and each entry chained to the one before it.
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 2 * PER_WRITER }, (_, i) => i + 1));
      for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
      // Every acknowledged append is present with its writer's contents, in that writer's order.
      for (const report of reports) {
        expect(report.seqs).toHaveLength(PER_WRITER);
        report.seqs.forEach((seq, i) => {
          const entry = entries[seq - 1]!;
          expect([entry.actor, entry.evidence]).toEqual([`proc:${report.name}`, { writer: report.name, i }]);
        });
        expect([...report.seqs].sort((x, y) => x - y)).toEqual(report.seqs);
      }
      // The writers overlapped in time (else this would test nothing).
      const [a, b] = reports.map((r) => ({ first: r.seqs[0]!, last: r.seqs.at(-1)! }));
      expect(a!.first < b!.last && b!.first < a!.last).toBe(true);
      expect(await store.verifyAudit()).toEqual({ ok: true, entries: 2 * PER_WRITER, firstBad: null, head: { seq: 2 * PER_WRITER, hash: entries.at(-1)!.hash } });
    } finally {
      await store.close();
    }
  });
});
