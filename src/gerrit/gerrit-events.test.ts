import { describe, expect, it } from 'vitest';

import { eventProject, parseGerritEvent, parseStreamEvents, parseWebhookBody } from './gerrit-events.js';

const account = { name: 'Alice', email: 'alice@example.com', username: 'alice' };
const change = {
  project: 'platform/mesh-policies',
  branch: 'master',
  id: 'I0123456789abcdef0123456789abcdef01234567',
  number: 42,
  subject: 'Allow CI to trigger builds',
  owner: account,
  url: 'http://gerrit.example.com/c/platform/mesh-policies/+/42',
  commitMessage: 'Allow CI to trigger builds\n\nChange-Id: I0123…',
  createdOn: 1764072000,
  status: 'NEW',
};
const patchSet = {
  number: 2,
  revision: 'a'.repeat(40),
  parents: ['b'.repeat(40)],
  ref: 'refs/changes/42/42/2',
  uploader: account,
  author: account,
  createdOn: 1764072100,
  kind: 'REWORK',
  sizeInsertions: 12,
  sizeDeletions: -1,
};

// stream-events serialisation: project as a string, changeKey as {"id"}.
const streamLines = [
  { type: 'patchset-created', change, patchSet, uploader: account, project: 'platform/mesh-policies', refName: 'refs/heads/master', changeKey: { id: change.id }, eventCreatedOn: 1764072101 },
  { type: 'comment-added', change, patchSet, author: account, approvals: [{ type: 'Code-Review', description: 'Code-Review', value: '-1', oldValue: '0' }], comment: 'Patch Set 2: Code-Review-1', project: 'platform/mesh-policies', eventCreatedOn: 1764072200 },
  { type: 'change-merged', change: { ...change, status: 'MERGED' }, patchSet, submitter: account, newRev: 'c'.repeat(40), project: 'platform/mesh-policies', eventCreatedOn: 1764072300 },
  { type: 'ref-updated', submitter: account, refUpdate: { oldRev: 'b'.repeat(40), newRev: 'c'.repeat(40), refName: 'refs/heads/master', project: 'platform/mesh-policies' }, eventCreatedOn: 1764072301 },
  { type: 'reviewer-added', change, patchSet, reviewer: account, eventCreatedOn: 1764072302 },
]
  .map((event) => JSON.stringify(event))
  .join('\n');

describe('Gerrit events', () => {
  it('parses stream-events lines, one event per line, unknown types as unsupported', () => {
    const parsed = parseStreamEvents(`${streamLines}\n\n`);
    expect(parsed.map((p) => (p.kind === 'event' ? p.event.type : p.kind))).toEqual(['patchset-created', 'comment-added', 'change-merged', 'ref-updated', 'unsupported']);
    const created = parsed[0];
    if (created?.kind !== 'event' || created.event.type !== 'patchset-created') throw new Error('expected patchset-created');
    expect(created.event.change.number).toBe(42);
    expect(created.event.patchSet.revision).toBe('a'.repeat(40));
    expect(created.event.changeKey).toBe(change.id);
    const comment = parsed[1];
    if (comment?.kind !== 'event' || comment.event.type !== 'comment-added') throw new Error('expected comment-added');
    expect(comment.event.approvals?.[0]).toMatchObject({ type: 'Code-Review', value: '-1' });
    const ref = parsed[3];
    if (ref?.kind !== 'event' || ref.event.type !== 'ref-updated') throw new Error('expected ref-updated');
    expect(eventProject(ref.event)).toBe('platform/mesh-policies');
    expect(parsed[4]).toEqual({ kind: 'unsupported', type: 'reviewer-added' });
  });

  it('parses the webhooks-plugin serialisation: project as {"name"}, changeKey as {"key"}, string numbers', () => {
    const body = JSON.stringify({
      type: 'patchset-created',
      change: { ...change, project: { name: 'platform/mesh-policies' }, number: '42' },
      patchSet: { ...patchSet, number: '2' },
      uploader: account,
      project: { name: 'platform/mesh-policies' },
      refName: 'refs/heads/master',
      changeKey: { key: change.id },
      eventCreatedOn: 1764072101,
      somethingNew: { from: 'a future Gerrit' },
    });
    const parsed = parseWebhookBody(body);
    if (parsed.kind !== 'event' || parsed.event.type !== 'patchset-created') throw new Error(`expected an event, got ${JSON.stringify(parsed)}`);
    expect(parsed.event.change.project).toBe('platform/mesh-policies');
    expect(parsed.event.project).toBe('platform/mesh-policies');
    expect(parsed.event.changeKey).toBe(change.id);
    expect(parsed.event.change.number).toBe(42);
    expect(parsed.event.patchSet.number).toBe(2);
    expect(eventProject(parsed.event)).toBe('platform/mesh-policies');
  });

  it('reports malformed input as invalid with a reason, never throws', () => {
    expect(parseWebhookBody('{not json').kind).toBe('invalid');
    expect(parseGerritEvent([1])).toMatchObject({ kind: 'invalid' });
    expect(parseGerritEvent({ change })).toMatchObject({ kind: 'invalid', reason: 'the event has no string "type"' });
    const missing = parseGerritEvent({ type: 'patchset-created', change });
    expect(missing).toMatchObject({ kind: 'invalid' });
    expect(missing.kind === 'invalid' && missing.reason).toContain('patchSet');
    expect(parseGerritEvent({ type: 'comment-added', change: { ...change, number: 'forty-two' }, patchSet })).toMatchObject({ kind: 'invalid' });
  });
});
