// `gic audit verify` and `gic audit export` on a real store in a temporary data directory: the JSON
// shapes of docs/cli.md, exit 3 with the first bad entry after tampering done directly in SQLite,
// exit 4 (and nothing created) when there is no store, GIC_DATA_DIR, time ranges, jsonl and the
// human formats.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openSqliteStore, STORE_FILE } from '../../src/store/sqlite-store.js';
import type { AuditEntry, AuditVerifyResult } from '../../src/store/store.js';
import { jsonOf, runGic } from './run-gic.js';

const root = mkdtempSync(join(tmpdir(), 'gic-audit-cli-'));
const dataDir = join(root, 'data');
const entries: AuditEntry[] = [];

beforeAll(async () => {
  let now = Date.parse('2026-12-01T09:00:00.000Z');
  const store = await openSqliteStore({ dataDir, clock: () => new Date(now), synchronous: 'normal' });
  const hash = (c: string): string => c.repeat(64);
  for (const [actor, action, outcome, evidence, detail] of [
    ['user:alice', 'gic propose', 'ok', { proposal: 'p-1', verified: true, granted: ['release-managers may now POST /api/builds* on builds/build-trigger'] }, 'proposal p-1 verified'],
    ['user:alice', 'gic submit', 'ok', { proposal: 'p-1', change: { number: 42, url: 'https://gerrit.example/c/mesh-policies/+/42' } }, 'opened change 42 for review'],
    ['user:bob', 'mcp:policy_submit_for_review', 'refused', { proposal: 'p-2', verified: false }, 'refused: proposal p-2 is not verified'],
    ['bot:gic', 'review:post', 'ok', { change: 42, patchSet: 1, vote: 1 }, 'reviewed change 42 patch set 1: +1'],
  ] as const) {
    entries.push(await store.appendAudit({ actor, action, inputsHash: hash(String(entries.length)), outcome, evidence, detail: `${detail}\u001b[31m`, durationMs: 12.5 }));
    now += 24 * 3_600_000;
  }
  await store.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('gic audit verify', () => {
  it('verifies an intact log (JSON shape of docs/cli.md, exit 0)', async () => {
    const run = await runGic(['audit', 'verify', '--data-dir', dataDir, '-o', 'json']);
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toEqual({ ok: true, entries: 4, firstBad: null, head: { seq: 4, hash: entries[3]!.hash } });
  });

  it('reads the data directory from GIC_DATA_DIR, and prints a readable verdict', async () => {
    const run = await runGic(['audit', 'verify', '-o', 'human'], { env: { GIC_DATA_DIR: dataDir } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('audit log verified: 4 entries, chain intact');
    expect(run.stdout).toContain(`head: seq 4 sha256 ${entries[3]!.hash}`);
  });

  it('exits 4 with the path when there is no store, and creates nothing', async () => {
    const missing = join(root, 'no-such-dir');
    const run = await runGic(['audit', 'verify', '--data-dir', missing, '-o', 'json']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(join(missing, STORE_FILE));
    expect(run.stdout).toBe('');
    expect(existsSync(missing)).toBe(false);
  });
});

describe('gic audit export', () => {
  it('exports every entry with the verify result (-o json)', async () => {
    const run = await runGic(['audit', 'export', '--data-dir', dataDir, '-o', 'json']);
    expect(run.code).toBe(0);
    const doc = jsonOf(run) as { exportedAt: string; since: null; until: null; verify: AuditVerifyResult; entries: AuditEntry[] };
    expect(doc.verify).toMatchObject({ ok: true, entries: 4 });
    expect([doc.since, doc.until]).toEqual([null, null]);
    expect(Number.isNaN(Date.parse(doc.exportedAt))).toBe(false);
    expect(doc.entries).toEqual(entries);
    expect(Object.keys(doc.entries[0]!).slice(0, 5)).toEqual(['seq', 'time', 'actor', 'action', 'outcome']);
  });

  it('bounds by time: a date includes its whole UTC day', async () => {
    const run = await runGic(['audit', 'export', '--data-dir', dataDir, '--since', '2026-12-02', '--until', '2026-12-03', '-o', 'json']);
    expect(run.code).toBe(0);
    const doc = jsonOf(run) as { since: string; until: string; entries: AuditEntry[]; verify: AuditVerifyResult };
    expect([doc.since, doc.until]).toEqual(['2026-12-02T00:00:00.000Z', '2026-12-03T23:59:59.999Z']);
    expect(doc.entries.map((e) => e.seq)).toEqual([2, 3]);
    // The verification covers the whole chain, not only the range.
    expect(doc.verify.entries).toBe(4);
  });

  it('writes a header line then one entry per line (-o jsonl)', async () => {
    const run = await runGic(['audit', 'export', '--data-dir', dataDir, '--since', '2026-12-04T00:00:00Z', '-o', 'jsonl']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ since: '2026-12-04T00:00:00.000Z', until: null, verify: { ok: true } });
    expect(lines[0]).not.toHaveProperty('entries');
    expect(lines[1]).toEqual(entries[3]);
  });

  it('prints who did what, when, with which outcome and evidence, without terminal escapes', async () => {
    const run = await runGic(['audit', 'export', '--data-dir', dataDir, '-o', 'human']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('4 entries in range: ok 3, refused 1; by user:alice 2, bot:gic 1, user:bob 1');
    expect(run.stdout).toContain('#2  2026-12-02T09:00:00.000Z  user:alice  gic submit  ok  13 ms');
    expect(run.stdout).toContain('    change: {"number":42,"url":"https://gerrit.example/c/mesh-policies/+/42"}');
    expect(run.stdout).toContain('    refused: proposal p-2 is not verified');
    expect(run.stdout).not.toContain('\u001b');
  });

  it('refuses bad bounds with a usage error', async () => {
    const bad = await runGic(['audit', 'export', '--data-dir', dataDir, '--since', 'last tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since "last tuesday"');
    const reversed = await runGic(['audit', 'export', '--data-dir', dataDir, '--since', '2026-12-03', '--until', '2026-12-01']);
    expect(reversed.code).toBe(2);
  });
});

describe('after tampering done directly in SQLite', () => {
  it('verify exits 3 naming the first bad entry; export still writes the evidence and exits 3', async () => {
    const db = new DatabaseSync(join(dataDir, STORE_FILE));
    db.exec("UPDATE audit_log SET outcome = 'ok' WHERE seq = 3");
    db.close();
    const verify = await runGic(['audit', 'verify', '--data-dir', dataDir, '-o', 'json']);
    expect(verify.code).toBe(3);
    expect(jsonOf(verify)).toMatchObject({ ok: false, entries: 4, firstBad: { seq: 3, kind: 'edited' } });
    const human = await runGic(['audit', 'verify', '--data-dir', dataDir, '-o', 'human']);
    expect(human.stdout).toContain('audit log NOT verified: entry 3 (edited)');
    expect(human.stdout).toContain('entries 1-2 are intact');
    const exported = await runGic(['audit', 'export', '--data-dir', dataDir, '-o', 'json']);
    expect(exported.code).toBe(3);
    expect((jsonOf(exported) as { entries: unknown[]; verify: AuditVerifyResult }).verify.firstBad?.seq).toBe(3);
    expect((jsonOf(exported) as { entries: unknown[] }).entries).toHaveLength(4);
  });
});
