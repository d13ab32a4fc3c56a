import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { copilotDeps, DEMO_MESH } from '../../test/support/copilot-fixture.js';
import { proposePolicy } from './propose-policy.js';

const ctx = { actor: 'user:alice', action: 'gic propose' };
const grant = { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['DELETE'], paths: ['/api/builds/*'] }] };

describe('propose (use case)', () => {
  it('verifies, stores the proposal with its evidence and audits the call', async () => {
    const deps = await copilotDeps();
    const progress: string[] = [];
    const result = await proposePolicy(deps, { intent: grant }, { ...ctx, onProgress: (e) => progress.push(e.stage) });
    expect(result.verified).toBe(true);
    expect(result.blockers).toEqual([]);
    expect(result.proposal).toBe('p1');
    expect(result.groups).toEqual([{ name: 'release-managers', status: 'exists', uuid: '19ec0da2704ba2bbd91c70d525cf8cc83b29c291' }]);
    expect(result.diff.summary).toEqual({ granted: 1, revoked: 0, changed: 0 });
    expect(result.dryRun.results.every((r) => r.accepted && r.mode === 'offline')).toBe(true);
    expect(result.inputErrors).toEqual([]);
    expect(progress).toEqual(['groups', 'compile', 'analyze', 'store']);
    const stored = (await deps.store.getProposal('p1'));
    expect(stored).toMatchObject({ id: 'p1', createdBy: 'user:alice', verified: true, yaml: result.yaml });
    expect((stored?.evidence as { diff: unknown }).diff).toEqual(result.diff);
    const [entry] = (await deps.store.listAudit());
    expect(entry).toMatchObject({ actor: 'user:alice', action: 'gic propose', outcome: 'ok', evidence: { proposal: 'p1', verified: true, accessDelta: { granted: 1, revoked: 0, changed: 0 } } });
    expect(entry?.inputsHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a group that does not exist: not verified, with the closest names; without a Gerrit source: unknown', async () => {
    const intent = { ...grant, subjects: [{ gerritGroup: 'release-manager' }] };
    const withGerrit = await proposePolicy(await copilotDeps(), { intent }, ctx);
    expect(withGerrit.verified).toBe(false);
    expect(withGerrit.groups).toEqual([{ name: 'release-manager', status: 'missing', closest: ['release-managers'] }]);
    expect(withGerrit.blockers.join()).toContain('Gerrit group "release-manager" does not exist (closest: release-managers)');
    const without = await proposePolicy(await copilotDeps({ groups: false }), { intent: grant }, ctx);
    expect(without.groups).toEqual([{ name: 'release-managers', status: 'unknown' }]);
    expect(without.verified).toBe(true);
  });

  it('a groups claim of UUIDs gets the UUIDs from Gerrit', async () => {
    const deps = await copilotDeps();
    const result = await proposePolicy({ ...deps, settings: { groupsClaim: { claim: 'groups', valueKind: 'uuid' } } }, { intent: grant }, ctx);
    expect(result.yaml).toContain('19ec0da2704ba2bbd91c70d525cf8cc83b29c291');

  });

  it('a time-bound grant carries the annotation; an expiry in the past is a blocker', async () => {
    const deps = await copilotDeps();
    const future = await proposePolicy(deps, { intent: { ...grant, expires: '2026-11-28T00:00:00Z' } }, ctx);
    expect(future.verified).toBe(true);
    expect(future.expires).toBe('2026-11-28T00:00:00Z');
    expect(future.yaml).toContain('policy.gic/expires: "2026-11-28T00:00:00Z"');
    expect(future.policy.extends).toBeUndefined();
    const past = await proposePolicy(deps, { intent: { ...grant, expires: '2026-11-01T00:00:00Z' } }, ctx);
    expect(past.verified).toBe(false);
    expect(past.blockers).toContain('expires 2026-11-01T00:00:00Z is not in the future');
  });

  it.each([
    ['build-trigger', 'GIC113'],
    ['artifact-store', 'GIC119'],
  ])('an over-broad grant on builds/%s shows up in the access delta and as %s, and is not verified', async (workload, code) => {
    const deps = await copilotDeps();
    const result = await proposePolicy(deps, { intent: { action: 'allow', subjects: [{ anyone: true }], target: { namespace: 'builds', workload } } }, ctx);
    expect(result.findings.map((f) => f.code)).toContain(code);
    expect(result.diff.changes.length).toBeGreaterThan(0);
    expect(result.diff.changes.every((c) => c.before !== 'ALLOW' && c.after === 'ALLOW')).toBe(true);
    expect(result.verified).toBe(false);
    expect(result.blockers.some((b) => b.startsWith(code))).toBe(true);
  });

  it('a mesh with input errors never verifies, and says where', async () => {
    const text = readFileSync(join(DEMO_MESH, '30-builds.yaml'), 'utf8');
    const deps = await copilotDeps({ mesh: [{ file: 'builds.yaml', text }, { file: 'broken.yaml', text: 'kind: [unclosed\n' }] });
    const result = await proposePolicy(deps, { intent: grant }, ctx);
    expect(result.inputErrors.length).toBeGreaterThan(0);
    expect(result.inputErrors[0]).toMatchObject({ file: 'broken.yaml', rule: 'yaml.syntax' });
    expect(result.verified).toBe(false);
  });

  it('a bad intent is a bad request; a cancelled call stops and is audited as failed', async () => {
    const deps = await copilotDeps();
    await expect(proposePolicy(deps, { intent: { action: 'allow', target: { namespace: 'builds' } } }, ctx)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('subjects') });
    const controller = new AbortController();
    controller.abort(new Error('the client went away'));
    await expect(proposePolicy(deps, { intent: grant }, { ...ctx, signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(await deps.store.getProposal('p1')).toBeUndefined();
    expect((await deps.store.listAudit()).map((a) => a.outcome)).toEqual(['failed', 'failed']);
  });
});
