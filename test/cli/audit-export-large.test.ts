// `gic audit export` streams the log (Store.iterateAudit, 1,000 rows a page) on SQLite: 2,600 entries
// exported as json, jsonl and human give exactly what listAudit returns, for the whole log and for a time
// range whose ends fall inside pages; a broken chain with a malformed row still fails before anything is
// written (exit 5, stdout empty), as the export did when it read the whole range first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterAll, describe, expect, it } from 'vitest';

import { openSqliteStore, STORE_FILE } from '../../src/store/sqlite-store.js';
import { expectExportsMatchListAudit, fillLargeLog } from './audit-export-streamed.js';
import { runGic } from './run-gic.js';

const root = mkdtempSync(join(tmpdir(), 'gic-audit-export-large-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('gic audit export of a few thousand entries (SQLite)', () => {
  it('exports in pages exactly what listAudit returns (json, jsonl, human; whole log and a range)', { timeout: 120_000 }, async () => {
    const dataDir = join(root, 'large');
    let now = Date.parse('2026-12-01T09:00:00.000Z');
    const store = await openSqliteStore({ dataDir, clock: () => new Date((now += 1_000)), synchronous: 'normal' });
    try {
      await fillLargeLog(store);
      await expectExportsMatchListAudit(store, ['--data-dir', dataDir]);
    } finally {
      await store.close();
    }
  });

  it('a broken chain with a malformed row: exit 5 naming the entry, nothing written', { timeout: 60_000 }, async () => {
    const dataDir = join(root, 'malformed');
    let now = Date.parse('2026-12-01T09:00:00.000Z');
    const store = await openSqliteStore({ dataDir, clock: () => new Date((now += 1_000)), synchronous: 'normal' });
    const entries = await fillLargeLog(store);
    await store.close();
    const db = new DatabaseSync(join(dataDir, STORE_FILE));
    db.exec("UPDATE audit_log SET evidence = '{not json' WHERE seq = 2345");
    db.close();
    for (const format of ['json', 'jsonl', 'human']) {
      const run = await runGic(['audit', 'export', '--data-dir', dataDir, '-o', format]);
      expect(run.code).toBe(5);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('audit entry 2345');
      expect(run.stderr).toContain('is malformed: evidence');
    }
    // A range that leaves the row out is still exported, with the broken verification (exit 3).
    const until = entries[1_999]!.time;
    const before = await runGic(['audit', 'export', '--data-dir', dataDir, '--until', until, '-o', 'jsonl']);
    expect(before.code).toBe(3);
    const [header, ...exported] = before.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(header).toMatchObject({ verify: { ok: false, firstBad: { seq: 2345, kind: 'malformed' } } });
    const inRange = entries.filter((e) => e.time <= until);
    expect(inRange.length).toBeGreaterThanOrEqual(2_000);
    expect(exported).toEqual(inRange);
  });
});
