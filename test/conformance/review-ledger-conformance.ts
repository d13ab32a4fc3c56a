// The review ledger conformance suite (src/store/review-ledger.ts): what every Store must do for the
// review bot, written over a store factory so SQLite (review-ledger-sqlite.test.ts) and PostgreSQL run
// the same tests: a patch set is queued once, claimed by one worker at a time (also by two stores on one
// database), retried after its time, reclaimed when its worker's claim expired, finished once; cursors;
// time-bound grants and their removal recorded once. Not a test file itself.
import { describe, expect, it } from 'vitest';

import type { Store } from '../../src/store/store.js';
import { manualClock } from './store-conformance.js';

export interface LedgerHarness {
  /** Two stores on one database (two processes or replicas). */
  readonly stores: readonly [Store, Store];
  dispose(): Promise<void>;
}

export type LedgerFactory = (options: { readonly clock: () => Date }) => Promise<LedgerHarness>;

const key = { project: 'mesh-policies', change: 7, patchset: 2 };
const item = { ...key, revision: 'a'.repeat(40), source: 'webhook' as const };

export function describeReviewLedgerConformance(name: string, factory: LedgerFactory): void {
  describe(`Review ledger conformance: ${name}`, () => {
    async function withLedger(test: (h: LedgerHarness, clock: ReturnType<typeof manualClock>) => Promise<void>): Promise<void> {
      const clock = manualClock();
      const h = await factory({ clock: clock.clock });
      try {
        await test(h, clock);
      } finally {
        await h.dispose();
      }
    }

    it('queues a patch set once: a re-delivery or the poller again is a no-op', () =>
      withLedger(async ({ stores: [a, b] }) => {
        expect(await a.enqueueReview(item)).toBe(true);
        expect(await a.enqueueReview(item)).toBe(false);
        expect(await b.enqueueReview({ ...item, source: 'poll' })).toBe(false);
        expect(await a.getReview(key)).toMatchObject({ ...item, state: 'pending', attempts: 0 });
        expect(await a.listReviews()).toHaveLength(1);
      }));

    it('one worker holds a claim; only it can finish; a finished entry is never claimed again', () =>
      withLedger(async ({ stores: [a, b] }) => {
        await a.enqueueReview(item);
        const claimed = await a.claimReview('w1', 60_000);
        expect(claimed).toMatchObject({ ...key, state: 'running', attempts: 1, claimedBy: 'w1' });
        expect(await b.claimReview('w2', 60_000)).toBeUndefined();
        expect(await b.finishReview(key, 'w2', { state: 'posted', vote: 1, detail: 'x' })).toBe(false);
        expect(await a.finishReview(key, 'w1', { state: 'posted', vote: -1, detail: 'reviewed' })).toBe(true);
        expect(await b.getReview(key)).toMatchObject({ state: 'posted', vote: -1, detail: 'reviewed' });
        expect((await b.getReview(key))?.claimedBy).toBeUndefined();
        expect(await b.claimReview('w2', 60_000)).toBeUndefined();
        expect(await a.listReviews({ state: 'posted' })).toHaveLength(1);
        expect(await a.listReviews({ state: 'pending' })).toHaveLength(0);
      }));

    it('a retry waits for its time; an expired claim (its worker died) is claimed again', () =>
      withLedger(async ({ stores: [a, b] }, clock) => {
        await a.enqueueReview(item);
        await a.claimReview('w1', 60_000);
        expect(await a.retryReview(key, 'w1', new Date(clock.clock().getTime() + 5_000), 'Gerrit did not answer')).toBe(true);
        expect(await b.claimReview('w2', 60_000)).toBeUndefined();
        clock.advance(5_000);
        expect(await b.claimReview('w2', 60_000)).toMatchObject({ attempts: 2, claimedBy: 'w2', detail: 'Gerrit did not answer' });
        clock.advance(60_001);
        expect(await a.claimReview('w1', 60_000)).toMatchObject({ attempts: 3, claimedBy: 'w1' });
        // The worker whose claim was taken cannot finish any more.
        expect(await b.finishReview(key, 'w2', { state: 'skipped', detail: 'late' })).toBe(false);
        expect(await a.finishReview(key, 'w1', { state: 'skipped', detail: 'superseded by patch set 3' })).toBe(true);
      }));

    it('two stores claiming concurrently: every entry claimed exactly once, oldest first', () =>
      withLedger(async ({ stores: [a, b] }, clock) => {
        for (let i = 1; i <= 40; i++) {
          await (i % 2 === 0 ? a : b).enqueueReview({ ...item, change: i });
          clock.advance(1);
        }
        const claims: number[] = [];
        const drain = async (store: Store, worker: string): Promise<void> => {
          for (;;) {
            const entry = await store.claimReview(worker, 60_000);
            if (entry === undefined) return;
            claims.push(entry.change);
            expect(await store.finishReview(entry, worker, { state: 'posted', vote: 1, detail: 'ok' })).toBe(true);
          }
        };
        await Promise.all([drain(a, 'w1'), drain(b, 'w2'), drain(a, 'w3'), drain(b, 'w4')]);
        expect([...claims].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(await a.listReviews({ state: 'posted' })).toHaveLength(40);
      }));

    it('lists by project and change', () =>
      withLedger(async ({ stores: [a] }) => {
        await a.enqueueReview(item);
        await a.enqueueReview({ ...item, patchset: 3 });
        await a.enqueueReview({ ...item, project: 'other' });
        expect((await a.listReviews({ project: 'mesh-policies', change: 7 })).map((e) => e.patchset)).toEqual([2, 3]);
      }));

    it('keeps cursors', () =>
      withLedger(async ({ stores: [a, b] }) => {
        expect(await a.getCursor('poll:mesh-policies')).toBeUndefined();
        await a.setCursor('poll:mesh-policies', '2026-12-07 10:00:00.000000000');
        await b.setCursor('poll:mesh-policies', '2026-12-07 11:00:00.000000000');
        expect(await a.getCursor('poll:mesh-policies')).toBe('2026-12-07 11:00:00.000000000');
      }));

    it("a grant's claim expires, so a sweeper that died does not block the removal", () =>
      withLedger(async ({ stores: [a, b] }, clock) => {
        const grant = { policy: 'AuthorizationPolicy/builds/t', project: 'p', branch: 'master', path: 'policies/t.yaml', expires: '2026-12-08T00:00:00Z' };
        await a.recordGrant(grant);
        expect(await a.claimGrant(grant.policy, grant.expires, 's1', 30_000)).toBe(true);
        clock.advance(30_001);
        expect(await b.claimGrant(grant.policy, grant.expires, 's2', 30_000)).toBe(true);
        expect(await a.claimGrant(grant.policy, grant.expires, 's1', 30_000)).toBe(false);
      }));

    it('time-bound grants: recorded once, listed when expired, claimed by one sweeper, removal recorded once, a new expiry replaces the old', () =>
      withLedger(async ({ stores: [a, b] }) => {
        const grant = { policy: 'AuthorizationPolicy/builds/temp', project: 'p', branch: 'master', path: 'policies/builds/temp.yaml', expires: '2026-12-08T00:00:00Z', origin: 'p~3' };
        await a.recordGrant(grant);
        await b.recordGrant(grant);
        expect(await a.listGrants()).toEqual([{ ...grant, expires: '2026-12-08T00:00:00.000Z', state: 'active' }]);
        expect(await a.listExpiredGrants(new Date('2026-12-07T23:59:59Z'))).toEqual([]);
        expect(await a.listExpiredGrants(new Date('2026-12-08T00:00:00Z'))).toHaveLength(1);
        expect(await a.claimGrant(grant.policy, grant.expires, 's1', 60_000)).toBe(true);
        expect(await b.claimGrant(grant.policy, grant.expires, 's2', 60_000)).toBe(false);
        expect(await a.claimGrant(grant.policy, grant.expires, 's1', 60_000)).toBe(true);
        expect(await a.markGrant(grant.policy, grant.expires, { removal: { number: 9, url: 'u' } })).toBe(true);
        expect(await b.claimGrant(grant.policy, grant.expires, 's2', 60_000)).toBe(false);
        expect(await b.markGrant(grant.policy, grant.expires, { removal: { number: 10, url: 'v' } })).toBe(false);
        expect(await a.listExpiredGrants(new Date('2027-01-01T00:00:00Z'))).toEqual([]);
        expect((await a.listGrants())[0]).toMatchObject({ state: 'removal-opened', removal: { number: 9, url: 'u' } });
        const other = { ...grant, policy: 'AuthorizationPolicy/builds/other' };
        await a.recordGrant(other);
        await a.recordGrant({ ...other, expires: '2026-12-20T00:00:00Z' });
        expect((await a.listGrants()).filter((g) => g.policy === other.policy).map((g) => `${g.expires} ${g.state}`)).toEqual(['2026-12-08T00:00:00.000Z gone', '2026-12-20T00:00:00.000Z active']);
        expect(await a.markGrant(other.policy, '2026-12-20T00:00:00Z', { gone: true })).toBe(true);
        await expect(a.recordGrant({ ...grant, expires: 'tomorrow' })).rejects.toMatchObject({ code: 'bad-request' });
      }));

    it('a refused removal stays with its reason for a person: no longer listed as expired, never claimed again', () =>
      withLedger(async ({ stores: [a, b] }) => {
        const grant = { policy: 'AuthorizationPolicy/builds/freeze', project: 'p', branch: 'master', path: 'policies/builds/freeze.yaml', expires: '2026-12-08T00:00:00Z', origin: 'p~4' };
        await a.recordGrant(grant);
        expect(await a.claimGrant(grant.policy, grant.expires, 's1', 60_000)).toBe(true);
        const reason = 'removing it would grant access: 1 request(s) gain access';
        expect(await a.markGrant(grant.policy, grant.expires, { refused: reason })).toBe(true);
        expect(await b.markGrant(grant.policy, grant.expires, { refused: 'again' })).toBe(false);
        expect(await b.markGrant(grant.policy, grant.expires, { removal: { number: 1, url: 'u' } })).toBe(false);
        expect(await b.listExpiredGrants(new Date('2027-01-01T00:00:00Z'))).toEqual([]);
        expect(await b.claimGrant(grant.policy, grant.expires, 's2', 60_000)).toBe(false);
        expect(await b.listGrants()).toEqual([{ ...grant, expires: '2026-12-08T00:00:00.000Z', state: 'removal-refused', detail: reason }]);
      }));
  });
}
