// Shared by the streamed-export tests on SQLite (audit-export-large.test.ts) and PostgreSQL
// (test/integration/postgres-audit-export.test.ts): fills a store with a few thousand varied entries
// and checks that `gic audit export` in every format gives exactly what listAudit returns, for the
// whole log and for a time range whose ends fall inside pages. Not a test file itself.
import { createHash } from 'node:crypto';

import { expect } from 'vitest';

import type { AuditEntry, AuditEntryInput, AuditVerifyResult, Store } from '../../src/store/store.js';
import { jsonOf, runGic } from './run-gic.js';

/** More than two of iterateAudit's default pages (1,000 rows), the last one partly filled. */
export const LARGE_LOG = 2_600;

/** Entry i: actors, outcomes, evidence, models and durations that vary, some optional fields absent. */
export function variedInput(i: number): AuditEntryInput {
  const outcomes = ['ok', 'ok', 'refused', 'failed', 'rejected'] as const;
  return {
    actor: `user:u${i % 13}`,
    action: i % 3 === 0 ? 'gic propose' : 'mcp:policy_check_access',
    inputsHash: createHash('sha256').update(`inputs ${i}`).digest('hex'),
    outcome: outcomes[i % outcomes.length]!,
    ...(i % 4 === 0 ? {} : { detail: `entry ${i}: "quoted", ünïcode 🚀\nsecond line` }),
    ...(i % 5 === 0 ? { models: [{ model: 'qwen2.5-coder-1.5b', endpoint: 'http://model.ai.svc:8000/v1', promptId: 'draft-intent', promptVersion: 2, promptTokens: 1800 + i }] } : {}),
    ...(i % 2 === 0 ? { evidence: { proposal: `p-${i}`, verified: i % 3 !== 0, granted: [`grant ${i}`], nested: { n: i, half: i / 2 } } } : {}),
    ...(i % 7 === 0 ? {} : { durationMs: 40 + (i % 100) + 0.25 }),
  };
}

/** Appends LARGE_LOG entries, all requested at once (the store commits them in groups). */
export async function fillLargeLog(store: Store): Promise<AuditEntry[]> {
  return Promise.all(Array.from({ length: LARGE_LOG }, (_, i) => store.appendAudit(variedInput(i + 1))));
}

interface ExportDocument {
  readonly exportedAt: string;
  readonly since: string | null;
  readonly until: string | null;
  readonly verify: AuditVerifyResult;
  readonly entries: AuditEntry[];
}

/**
 * Exports the whole log and the range [since, until] (times of entries inside pages) as json, jsonl and
 * human through `gic` (`args` name the store, `env` too), and compares each with `store.listAudit`.
 */
export async function expectExportsMatchListAudit(store: Store, args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<void> {
  const all = await store.listAudit();
  expect(all).toHaveLength(LARGE_LOG);
  const since = all[700]!.time;
  const until = all[2_100]!.time;
  for (const [range, bounds] of [
    [[], {}],
    [['--since', since, '--until', until], { since, until }],
  ] as const) {
    const listed = await store.listAudit(bounds);
    const verify = { ok: true, entries: LARGE_LOG, firstBad: null, head: { seq: LARGE_LOG, hash: all.at(-1)!.hash } };

    const json = await runGic(['audit', 'export', ...args, ...range, '-o', 'json'], { env });
    expect(json.code).toBe(0);
    const doc = jsonOf(json) as ExportDocument;
    expect(Object.keys(doc)).toEqual(['exportedAt', 'since', 'until', 'verify', 'entries']);
    expect(doc.verify).toEqual(verify);
    expect(doc.entries).toEqual(listed);
    // Streamed element by element, yet the very text one JSON.stringify(document, null, 2) gives.
    expect(json.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);

    const jsonl = await runGic(['audit', 'export', ...args, ...range, '-o', 'jsonl'], { env });
    expect(jsonl.code).toBe(0);
    const lines = jsonl.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ exportedAt: lines[0]!['exportedAt'], since: doc.since, until: doc.until, verify });
    expect(lines.slice(1)).toEqual(listed);

    const human = await runGic(['audit', 'export', ...args, ...range, '-o', 'human'], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${listed.length.toLocaleString('en-US')} entries in range: `);
    expect(human.stdout.match(/^#\d+ {2}/gm)?.map((mark) => Number(mark.slice(1, -2)))).toEqual(listed.map((e) => e.seq));
  }
}
