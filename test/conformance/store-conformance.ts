// The Store conformance suite (src/store/store.ts): what every implementation must do, written once
// as a function over a store factory so that SQLite (sqlite-store-conformance.test.ts) and PostgreSQL
// (issue 17) run the same tests. It covers the audit chain (seq, links, hashes an auditor can recompute
// with the documented encoding, clock and monotonic times, refusal of malformed entries, appends that
// interleave in one process), the streamed read of the log (iterateAudit: the same entries as listAudit
// across page boundaries, time bounds, one snapshot, early stops that release it), verification of tampering done in the database behind the store's back
// (through the harness's `tamper`, which runs portable SQL on a separate connection), proposals and
// conversations. Not a test file itself: a *.test.ts calls describeStoreConformance.
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { AppError } from '../../src/errors.js';
import { GENESIS_HASH, sealAuditEntry } from '../../src/store/audit-chain.js';
import { auditRowValues } from '../../src/store/audit-row.js';
import { QUERIES } from '../../src/store/store-queries.js';
import type { AuditEntry, AuditEntryInput, ProposalRecord, Store } from '../../src/store/store.js';

export interface StoreHarness {
  readonly store: Store;
  /** Runs portable SQL (`$1` parameters) on a separate connection to the same database. */
  tamper(sql: string, params?: readonly (string | number | null)[]): Promise<void>;
  /** Closes `store` and opens the same database again with the same options. */
  reopen(): Promise<Store>;
  /** Closes everything and removes the database. */
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  readonly clock: () => Date;
}

export type StoreFactory = (options: HarnessOptions) => Promise<StoreHarness>;

/** A clock the test moves by hand. */
export function manualClock(start = '2026-12-07T10:00:00.000Z'): { clock: () => Date; advance(ms: number): void; set(iso: string): void } {
  let now = Date.parse(start);
  return {
    clock: () => new Date(now),
    advance: (ms) => void (now += ms),
    set: (iso) => void (now = Date.parse(iso)),
  };
}

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function auditInput(i: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return { actor: `user:u${i % 3}`, action: i % 2 === 0 ? 'gic propose' : 'mcp:policy_check_access', inputsHash: sha(`inputs ${i}`), outcome: 'ok', ...extra };
}

/**
 * The entry hash computed independently of src/store/canonical-json.ts, as docs/audit-log.md tells an
 * auditor to: JSON with keys sorted at every level, no whitespace, SHA-256 over UTF-8. (JSON.stringify
 * is enough here because the suite's values are ASCII keys, plain strings and integers.)
 */
export function independentHash(entry: AuditEntry): string {
  const { hash: _hash, ...body } = entry;
  const sorted = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(sorted) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])])) : value;
  return sha(JSON.stringify(sorted(body)));
}

async function collect(entries: AsyncIterable<AuditEntry>): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (AppError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export function describeStoreConformance(name: string, factory: StoreFactory): void {
  describe(`Store conformance: ${name}`, () => {
    async function withStore(test: (h: StoreHarness, clock: ReturnType<typeof manualClock>) => Promise<void>): Promise<void> {
      const clock = manualClock();
      const harness = await factory({ clock: clock.clock });
      try {
        await test(harness, clock);
      } finally {
        await harness.dispose();
      }
    }

    /** A store with `n` entries, one second apart. */
    async function filled(h: StoreHarness, clock: ReturnType<typeof manualClock>, n: number): Promise<AuditEntry[]> {
      const entries: AuditEntry[] = [];
      for (let i = 1; i <= n; i++) {
        entries.push(await h.store.appendAudit(auditInput(i)));
        clock.advance(1000);
      }
      return entries;
    }

    describe('audit log', () => {
      it('starts empty and verifies', () =>
        withStore(async ({ store }) => {
          expect(await store.listAudit()).toEqual([]);
          expect(await store.verifyAudit()).toEqual({ ok: true, entries: 0, firstBad: null, head: { seq: 0, hash: GENESIS_HASH } });
        }));

      it('chains entries: seq 1, 2, 3..., each prevHash the previous hash, hashes an auditor can recompute', () =>
        withStore(async (h, clock) => {
          const full: AuditEntryInput = {
            actor: 'user:alice',
            action: 'gic submit',
            inputsHash: sha('proposal p-1'),
            outcome: 'ok',
            detail: 'opened change 42 for review',
            models: [{ model: 'qwen2.5-coder-1.5b', endpoint: 'http://model.ai.svc:8000/v1', promptId: 'draft-intent', promptVersion: 2, promptTokens: 1234, completionTokens: 56 }],
            evidence: { proposal: 'p-1', verified: true, change: { number: 42, url: 'https://gerrit.example/c/policies/+/42' }, delta: ['release-managers may now POST /api/builds'] },
            durationMs: 142,
          };
          const first = await h.store.appendAudit(full);
          clock.advance(1500);
          const second = await h.store.appendAudit(auditInput(2, { outcome: 'refused', detail: 'egress refused' }));
          expect(first).toEqual({ ...full, seq: 1, time: '2026-12-07T10:00:00.000Z', prevHash: GENESIS_HASH, hash: independentHash(first) });
          expect(second.seq).toBe(2);
          expect(second.time).toBe('2026-12-07T10:00:01.500Z');
          expect(second.prevHash).toBe(first.hash);
          expect(second.hash).toBe(independentHash(second));
          // Absent optional fields stay absent (not undefined keys).
          expect(Object.keys(second).sort()).toEqual(['action', 'actor', 'detail', 'hash', 'inputsHash', 'outcome', 'prevHash', 'seq', 'time']);
          expect(await h.store.listAudit()).toEqual([first, second]);
          expect(await h.store.verifyAudit()).toEqual({ ok: true, entries: 2, firstBad: null, head: { seq: 2, hash: second.hash } });
        }));

      it('keeps fractional durations, unicode and nested evidence exactly', () =>
        withStore(async ({ store }) => {
          const entry = await store.appendAudit(auditInput(1, { durationMs: 12.375, detail: 'grüße 🚀 "quoted"\n', evidence: { z: [1, 2.5, -0, null], a: { 'ключ': 'значение' }, e: {} } }));
          const [read] = await store.listAudit();
          expect(read).toEqual(entry);
          expect(read!.evidence).toEqual({ a: { 'ключ': 'значение' }, e: {}, z: [1, 2.5, 0, null] });
          expect((await store.verifyAudit()).ok).toBe(true);
        }));

      it('never records a time earlier than the previous entry, even when the clock steps back', () =>
        withStore(async ({ store }, clock) => {
          await store.appendAudit(auditInput(1));
          clock.advance(-60_000);
          const second = await store.appendAudit(auditInput(2));
          expect(second.time).toBe('2026-12-07T10:00:00.000Z');
          clock.advance(120_000);
          expect((await store.appendAudit(auditInput(3))).time).toBe('2026-12-07T10:01:00.000Z');
          expect((await store.verifyAudit()).ok).toBe(true);
        }));

      it('lists by time range, inclusive at both ends, in seq order', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 6);
          const range = await h.store.listAudit({ since: entries[1]!.time, until: entries[3]!.time });
          expect(range.map((e) => e.seq)).toEqual([2, 3, 4]);
          expect((await h.store.listAudit({ since: '2026-12-07T10:00:04+00:00' })).map((e) => e.seq)).toEqual([5, 6]);
          expect((await h.store.listAudit({ until: '2026-12-07T09:59:59.999Z' })).map((e) => e.seq)).toEqual([]);
          expect((await rejection(h.store.listAudit({ since: 'yesterday' }))).code).toBe('bad-request');
        }));

      it.each([
        ['an empty actor', { actor: '' }, 'actor'],
        ['an inputs hash that is not SHA-256 hex', { inputsHash: 'ABC' }, 'inputsHash'],
        ['an unknown outcome', { outcome: 'allowed' as never }, 'outcome'],
        ['evidence that is not JSON', { evidence: { when: new Date(0) } }, 'evidence.when'],
        ['NaN in the evidence', { evidence: { n: Number.NaN } }, 'evidence.n'],
        ['a negative duration', { durationMs: -1 }, 'durationMs'],
        ['a model use without a prompt id', { models: [{ model: 'm', endpoint: 'e', promptId: '', promptVersion: 1 }] }, 'models.0.promptId'],
      ])('refuses %s, names the field, and appends nothing', (_what, bad, field) =>
        withStore(async ({ store }) => {
          await store.appendAudit(auditInput(1));
          const error = await rejection(store.appendAudit({ ...auditInput(2), ...bad }));
          expect(error.message).toContain(field);
          const next = await store.appendAudit(auditInput(3));
          expect(next.seq).toBe(2);
          expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 2 });
        }));

      it('serializes appends that interleave in one process: no gap, no fork', () =>
        withStore(async ({ store }) => {
          const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => store.appendAudit(auditInput(i))));
          expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
          expect(new Set(entries.map((e) => e.prevHash)).size).toBe(200);
          expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 200 });
        }));

      it('keeps the chain across reopening and continues it', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 3);
          const again = await h.reopen();
          expect(await again.listAudit()).toEqual(entries);
          const fourth = await again.appendAudit(auditInput(4));
          expect(fourth).toMatchObject({ seq: 4, prevHash: entries[2]!.hash });
          expect(await again.verifyAudit()).toMatchObject({ ok: true, entries: 4 });
        }));

      it('refuses calls after close', () =>
        withStore(async ({ store }) => {
          await store.close();
          expect((await rejection(store.appendAudit(auditInput(1)))).code).toBe('store-closed');
          expect((await rejection(store.verifyAudit())).code).toBe('store-closed');
          expect((await rejection(collect(store.iterateAudit()))).code).toBe('store-closed');
        }));
    });

    describe('audit log streamed (iterateAudit)', () => {
      it('streams exactly what listAudit returns, in seq order, whatever the page size', () =>
        withStore(async (h, clock) => {
          expect(await collect(h.store.iterateAudit())).toEqual([]);
          const entries = await filled(h, clock, 25);
          expect(await h.store.listAudit()).toEqual(entries);
          // 1 and 7: a page boundary everywhere / mid-log; 5 and 25: the last page exactly full; 26: one short page.
          for (const pageSize of [1, 5, 7, 25, 26]) expect(await collect(h.store.iterateAudit({ pageSize }))).toEqual(entries);
          expect(await collect(h.store.iterateAudit())).toEqual(entries);
        }));

      it('bounds by time like listAudit (inclusive at both ends), across pages', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 12);
          const ranges = [
            { since: entries[1]!.time, until: entries[3]!.time },
            { since: '2026-12-07T10:00:04+00:00' },
            { until: entries[8]!.time },
            { since: '2026-12-07T11:00:00+01:00', until: '2026-12-07T10:00:06.500Z' },
            { until: '2026-12-07T09:59:59.999Z' },
            { since: '2026-12-08T00:00:00Z' },
          ];
          for (const range of ranges) {
            const listed = await h.store.listAudit(range);
            for (const pageSize of [1, 2, 3, 1000]) expect(await collect(h.store.iterateAudit({ ...range, pageSize }))).toEqual(listed);
          }
          expect((await collect(h.store.iterateAudit({ since: entries[1]!.time, until: entries[3]!.time, pageSize: 2 }))).map((e) => e.seq)).toEqual([2, 3, 4]);
          expect((await rejection(collect(h.store.iterateAudit({ since: 'yesterday' })))).code).toBe('bad-request');
          expect((await rejection(collect(h.store.iterateAudit({ until: '2026-13-01' })))).code).toBe('bad-request');
        }));

      it('reads one snapshot: entries appended while it iterates are not seen', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 10);
          const seen: AuditEntry[] = [];
          for await (const entry of h.store.iterateAudit({ pageSize: 3 })) {
            seen.push(entry);
            // Appended (on another connection of the same store) after the first page was read.
            if (entry.seq === 2) for (let i = 11; i <= 15; i++) await h.store.appendAudit(auditInput(i));
          }
          expect(seen).toEqual(entries);
          expect((await collect(h.store.iterateAudit({ pageSize: 3 }))).map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
        }));

      it('releases its snapshot when the caller stops early: appends, reads and close go on', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 10);
          // More early stops than any connection pool holds: a snapshot that was not released would hang here.
          for (let round = 0; round < 12; round++) {
            for await (const entry of h.store.iterateAudit({ pageSize: 4 })) if (entry.seq === 5) break;
          }
          expect((await h.store.appendAudit(auditInput(11))).seq).toBe(11);
          expect(await collect(h.store.iterateAudit({ pageSize: 4 }))).toEqual(await h.store.listAudit());
          expect(await h.store.verifyAudit()).toMatchObject({ ok: true, entries: 11 });
        }));

      it('fails on a malformed row with the error listAudit gives (store-corrupt, the entry and the column)', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 6);
          await h.tamper("UPDATE audit_log SET evidence = '{not json' WHERE seq = 5");
          const listed = await rejection(h.store.listAudit());
          expect(listed.code).toBe('store-corrupt');
          expect(listed.message).toContain('audit entry 5');
          expect(listed.message).toContain('evidence');
          const seen: number[] = [];
          const streamed = await rejection(
            (async () => {
              for await (const entry of h.store.iterateAudit({ pageSize: 2 })) seen.push(entry.seq);
            })(),
          );
          expect([streamed.code, streamed.message]).toEqual([listed.code, listed.message]);
          expect(seen).toEqual([1, 2, 3, 4]);
          // A range that leaves the row out is read.
          expect((await collect(h.store.iterateAudit({ until: '2026-12-07T10:00:03.000Z' }))).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        }));

      it('refuses a page size that is not a whole number from 1 to 100,000', () =>
        withStore(async ({ store }) => {
          for (const pageSize of [0, -1, 1.5, 100_001, Number.NaN]) expect((await rejection(collect(store.iterateAudit({ pageSize })))).code).toBe('internal');
        }));
    });

    describe('audit verification of tampering done in the database', () => {
      const swap = async (h: StoreHarness, a: number, b: number): Promise<void> => {
        await h.tamper('UPDATE audit_log SET seq = $1 WHERE seq = $2', [-1, a]);
        await h.tamper('UPDATE audit_log SET seq = $1 WHERE seq = $2', [a, b]);
        await h.tamper('UPDATE audit_log SET seq = $1 WHERE seq = $2', [b, -1]);
      };
      /** Moves every row with seq >= from by `by` (in two steps: primary keys are checked per row). */
      const shift = async (h: StoreHarness, from: number, by: number): Promise<void> => {
        await h.tamper('UPDATE audit_log SET seq = -seq WHERE seq >= $1', [from]);
        await h.tamper('UPDATE audit_log SET seq = -seq + $1 WHERE seq < 0', [by]);
      };
      const verdict = async (h: StoreHarness): Promise<{ seq: number; kind: string; reason: string } | null> => {
        const result = await h.store.verifyAudit();
        expect(result.ok).toBe(result.firstBad === null);
        return result.firstBad;
      };

      it('an edited field: the entry itself', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 10);
          await h.tamper("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 5");
          expect(await verdict(h)).toMatchObject({ seq: 5, kind: 'edited' });
          expect((await h.store.verifyAudit()).entries).toBe(10);
        }));

      it.each([
        ['outcome', "UPDATE audit_log SET outcome = 'refused' WHERE seq = 3"],
        ['evidence', `UPDATE audit_log SET evidence = '{"verified":false}' WHERE seq = 3`],
        ['time', "UPDATE audit_log SET time = '2026-12-07T10:00:02.001Z' WHERE seq = 3"],
        ['inputs hash', `UPDATE audit_log SET inputs_hash = '${'a'.repeat(64)}' WHERE seq = 3`],
        ['prevHash', `UPDATE audit_log SET prev_hash = '${'b'.repeat(64)}' WHERE seq = 3`],
        ['duration', 'UPDATE audit_log SET duration_ms = 1 WHERE seq = 3'],
      ])('an edited %s', (_field, sql) =>
        withStore(async (h, clock) => {
          await filled(h, clock, 6);
          await h.tamper(sql);
          expect(await verdict(h)).toMatchObject({ seq: 3, kind: 'edited' });
        }));

      it('a column that no longer holds what gic writes is malformed', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 4);
          await h.tamper("UPDATE audit_log SET evidence = '{not json' WHERE seq = 2");
          expect(await verdict(h)).toMatchObject({ seq: 2, kind: 'malformed' });
          expect((await verdict(h))?.reason).toContain('evidence');
        }));

      it('a removed entry (a gap)', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 10);
          await h.tamper('DELETE FROM audit_log WHERE seq = 5');
          expect(await verdict(h)).toMatchObject({ seq: 5, kind: 'removed' });
          expect((await h.store.verifyAudit()).entries).toBe(9);
        }));

      it('a removed first entry', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 3);
          await h.tamper('DELETE FROM audit_log WHERE seq = 1');
          expect(await verdict(h)).toMatchObject({ seq: 1, kind: 'removed' });
        }));

      it('a removed entry with the rows after it renumbered', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 10);
          await h.tamper('DELETE FROM audit_log WHERE seq = 5');
          await shift(h, 6, -1);
          await h.tamper('UPDATE audit_head SET seq = 9');
          expect(await verdict(h)).toMatchObject({ seq: 5, kind: 'removed' });
        }));

      it('removed last entries (the chain head still records them)', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 10);
          await h.tamper('DELETE FROM audit_log WHERE seq >= 9');
          expect(await verdict(h)).toMatchObject({ seq: 9, kind: 'removed' });
        }));

      it('removed last entries with the head rewritten: caught only against a head kept elsewhere', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 10);
          const anchored = (await h.store.verifyAudit()).head;
          await h.tamper('DELETE FROM audit_log WHERE seq >= 9');
          await h.tamper('UPDATE audit_head SET seq = $1, hash = $2', [8, entries[7]!.hash]);
          const after = await h.store.verifyAudit();
          // The chain is consistent in itself; the head kept outside the store shows the cut.
          expect(after.ok).toBe(true);
          expect(after.head).not.toEqual(anchored);
          expect(after.head!.seq).toBeLessThan(anchored!.seq);
        }));

      it('a deleted chain head record', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 3);
          await h.tamper('DELETE FROM audit_head');
          expect(await verdict(h)).toMatchObject({ kind: 'head' });
          expect((await h.store.verifyAudit()).head).toBeNull();
        }));

      it('an inserted entry at the end, correctly chained but past the recorded head', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 5);
          const last = entries[4]!;
          const forged = sealAuditEntry(last, auditInput(99, { actor: 'user:mallory', detail: 'granted myself admin' }), new Date('2026-12-07T11:00:00Z'));
          await h.tamper(QUERIES.insertAudit, auditRowValues(forged));
          expect(await verdict(h)).toMatchObject({ seq: 6, kind: 'inserted' });
        }));

      it('an inserted entry in the middle, the rows after it renumbered', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 10);
          const forged = sealAuditEntry(entries[3]!, auditInput(99, { actor: 'user:mallory' }), new Date(entries[3]!.time));
          await shift(h, 5, 1);
          await h.tamper(QUERIES.insertAudit, auditRowValues(forged));
          await h.tamper('UPDATE audit_head SET seq = 11');
          expect(await verdict(h)).toMatchObject({ seq: 5, kind: 'inserted' });
        }));

      it('an inserted row that is not a sealed entry, the rows after it renumbered', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 6);
          await shift(h, 3, 1);
          await h.tamper(QUERIES.insertAudit, auditRowValues({ ...entries[1]!, seq: 3, actor: 'user:mallory' }));
          expect(await verdict(h)).toMatchObject({ seq: 3, kind: 'inserted' });
        }));

      it('two entries swapped (reordered)', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 10);
          await swap(h, 5, 6);
          expect(await verdict(h)).toMatchObject({ seq: 5, kind: 'reordered' });
        }));

      it('one entry edited and its hash recomputed, the next entry left alone', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 10);
          const original = entries[4]!;
          const { hash: _hash, ...body } = { ...original, actor: 'user:mallory' };
          const recomputed = independentHash({ ...body, hash: '' });
          await h.tamper("UPDATE audit_log SET actor = 'user:mallory', hash = $1 WHERE seq = 5", [recomputed]);
          const bad = await verdict(h);
          expect(bad).toMatchObject({ seq: 5, kind: 'edited' });
          expect(bad!.reason).toContain('entry 6');
        }));

      it('the last entry edited and its hash recomputed (the head disagrees)', () =>
        withStore(async (h, clock) => {
          const entries = await filled(h, clock, 4);
          const { hash: _hash, ...body } = { ...entries[3]!, outcome: 'refused' as const };
          await h.tamper("UPDATE audit_log SET outcome = 'refused', hash = $1 WHERE seq = 4", [independentHash({ ...body, hash: '' })]);
          expect(await verdict(h)).toMatchObject({ seq: 4, kind: 'edited' });
        }));

      it('refuses to continue a chain whose end was changed, and leaves the evidence as it is', () =>
        withStore(async (h, clock) => {
          await filled(h, clock, 5);
          await h.tamper('DELETE FROM audit_log WHERE seq = 5');
          const before = await h.store.verifyAudit();
          expect((await rejection(h.store.appendAudit(auditInput(6)))).code).toBe('store-chain-broken');
          expect(await h.store.verifyAudit()).toEqual(before);
        }));
    });

    describe('proposals', () => {
      const proposal = (id: string, extra: Partial<ProposalRecord> = {}): ProposalRecord => ({
        id,
        createdAt: '2026-12-07T10:00:00.000Z',
        createdBy: 'user:alice',
        intent: { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' } },
        yaml: 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n',
        verified: true,
        evidence: { validation: { errors: 0 }, dryRun: { accepted: true, mode: 'offline' }, diff: { summary: { granted: 1, revoked: 0 } } },
        ...extra,
      });
      const change = { project: 'mesh-policies', number: 42, url: 'https://gerrit.example/c/mesh-policies/+/42', changeId: 'I0123456789abcdef0123456789abcdef01234567' };

      it('saves and reads a proposal exactly; an unknown id is undefined', () =>
        withStore(async ({ store }) => {
          const p = proposal('p-1', { conversationId: 'c-1' });
          await store.saveProposal(p);
          expect(await store.getProposal('p-1')).toEqual(p);
          expect(await store.getProposal('p-2')).toBeUndefined();
          const unverified = proposal('p-3', { verified: false });
          await store.saveProposal(unverified);
          expect(await store.getProposal('p-3')).toEqual(unverified);
        }));

      it('accepts the same proposal twice, refuses another one under the same id', () =>
        withStore(async ({ store }) => {
          await store.saveProposal(proposal('p-1'));
          await store.saveProposal(proposal('p-1'));
          expect((await rejection(store.saveProposal(proposal('p-1', { verified: false })))).code).toBe('bad-request');
          expect((await store.getProposal('p-1'))?.verified).toBe(true);
        }));

      it('refuses a proposal whose intent is not JSON', () =>
        withStore(async ({ store }) => {
          expect((await rejection(store.saveProposal(proposal('p-1', { intent: { n: Number.POSITIVE_INFINITY } })))).message).toContain('intent.n');
          expect(await store.getProposal('p-1')).toBeUndefined();
        }));

      it('records the review change once; the same change again is fine, another is refused', () =>
        withStore(async ({ store }) => {
          await store.saveProposal(proposal('p-1'));
          await store.markProposalSubmitted('p-1', change);
          expect((await store.getProposal('p-1'))?.change).toEqual(change);
          await store.markProposalSubmitted('p-1', change);
          expect((await rejection(store.markProposalSubmitted('p-1', { ...change, number: 43 }))).code).toBe('bad-request');
          expect((await rejection(store.markProposalSubmitted('p-404', change))).code).toBe('not-found');
        }));
    });

    describe('conversations', () => {
      it('creates a conversation and appends turns with the clock time, in order', () =>
        withStore(async ({ store }, clock) => {
          const created = await store.createConversation('user:alice');
          expect(created).toMatchObject({ createdAt: '2026-12-07T10:00:00.000Z', createdBy: 'user:alice', turns: [] });
          expect(created.id).not.toBe('');
          clock.advance(5000);
          await store.appendTurn(created.id, { role: 'user', text: 'let release managers trigger builds' });
          clock.advance(1000);
          const after = await store.appendTurn(created.id, { role: 'assistant', text: 'Which namespace?', data: { questions: ['namespace'], intent: { action: 'allow' } } });
          expect(after.turns).toEqual([
            { role: 'user', text: 'let release managers trigger builds', time: '2026-12-07T10:00:05.000Z' },
            { role: 'assistant', text: 'Which namespace?', time: '2026-12-07T10:00:06.000Z', data: { questions: ['namespace'], intent: { action: 'allow' } } },
          ]);
          expect(await store.getConversation(created.id)).toEqual(after);
          expect(await store.getConversation('no-such-conversation')).toBeUndefined();
          expect((await store.createConversation('user:bob')).id).not.toBe(created.id);
        }));

      it('refuses a turn for an unknown conversation', () =>
        withStore(async ({ store }) => {
          expect((await rejection(store.appendTurn('no-such-conversation', { role: 'user', text: 'hi' }))).code).toBe('not-found');
        }));

      it('keeps every turn when turns are appended concurrently', () =>
        withStore(async ({ store }) => {
          const { id } = await store.createConversation('user:alice');
          await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendTurn(id, { role: i % 2 === 0 ? 'user' : 'assistant', text: `turn ${i}` })));
          const turns = (await store.getConversation(id))!.turns;
          expect(turns.map((t) => t.text).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `turn ${i}`).sort());
        }));
    });
  });
}
