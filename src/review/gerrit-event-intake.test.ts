import { describe, expect, it } from 'vitest';

import { parseGerritEvent, type GerritEvent } from '../gerrit/gerrit-events.js';
import type { ReviewEnqueue } from '../store/review-ledger.js';
import { intakeEvent } from './gerrit-event-intake.js';

const settings = { project: 'mesh-policies', branch: 'master', account: 'gic-bot' };
const change = { project: { name: 'mesh-policies' }, branch: 'master', number: 12, id: 'I1' };
const patchSet = { number: 3, revision: 'f'.repeat(40) };

function event(value: object): GerritEvent {
  const parsed = parseGerritEvent(value);
  if (parsed.kind !== 'event') throw new Error(JSON.stringify(parsed));
  return parsed.event;
}

function ledger() {
  const seen = new Set<string>();
  const calls: ReviewEnqueue[] = [];
  return {
    calls,
    enqueueReview: (item: ReviewEnqueue) => {
      calls.push(item);
      const k = `${item.project}~${item.change}/${item.patchset}`;
      const fresh = !seen.has(k);
      seen.add(k);
      return Promise.resolve(fresh);
    },
  };
}

describe('intake of Gerrit events', () => {
  it('queues a new patch set once; a re-delivery is a duplicate', async () => {
    const l = ledger();
    const e = event({ type: 'patchset-created', change, patchSet });
    expect(await intakeEvent(e, l, settings)).toEqual({ action: 'queued', project: 'mesh-policies', change: 12, patchset: 3 });
    expect(await intakeEvent(e, l, settings)).toEqual({ action: 'duplicate', project: 'mesh-policies', change: 12, patchset: 3 });
    expect(l.calls[0]).toEqual({ project: 'mesh-policies', change: 12, patchset: 3, revision: patchSet.revision, source: 'webhook' });
  });

  it('queues a restored change; reports a merged one', async () => {
    const l = ledger();
    expect((await intakeEvent(event({ type: 'change-restored', change, patchSet }), l, settings)).action).toBe('queued');
    expect(await intakeEvent(event({ type: 'change-merged', change, patchSet }), l, settings)).toEqual({ action: 'merged', project: 'mesh-policies', change: 12 });
  });

  it('ignores other repositories and branches, and its own comments; looks at comments by others', async () => {
    const l = ledger();
    expect(await intakeEvent(event({ type: 'patchset-created', change: { ...change, project: 'other' }, patchSet }), l, settings)).toMatchObject({ action: 'ignored', reason: expect.stringContaining('not the policy repository') });
    expect(await intakeEvent(event({ type: 'patchset-created', change: { ...change, branch: 'stable' }, patchSet }), l, settings)).toMatchObject({ action: 'ignored' });
    expect(await intakeEvent(event({ type: 'comment-added', change, patchSet, author: { username: 'gic-bot' }, comment: 'Patch Set 3: Policy-Check+1' }), l, settings)).toEqual({ action: 'ignored', reason: 'a comment by gic itself' });
    expect(await intakeEvent(event({ type: 'comment-added', change, patchSet, author: { username: 'alice' }, comment: 'Patch Set 3:\n\n(1 comment)' }), l, settings)).toEqual({ action: 'comments', project: 'mesh-policies', change: 12 });
    expect(l.calls).toEqual([]);
  });
});
