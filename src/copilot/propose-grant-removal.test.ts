// The removal of an expired grant as a copilot proposal, on the demo mesh as the branch's policies (the
// real engine and SQLite store; no Gerrit: nothing here may write). A removal that only revokes is
// verified and its commit message carries the evidence (an empty diff is said); one that would grant access (a time-bound
// DENY, the last ALLOW on a workload) is refused, stored unverified, audited `refused`, and submit
// refuses it before any write; recording the same removal again returns the stored proposal.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { copilotDeps, DEMO_MESH } from '../../test/support/copilot-fixture.js';
import { grantRemovalMessage } from './grant-removal-message.js';
import { isGrantRemovalIntent, removalChangeId, type ExpiredGrant } from './grant-removal.js';
import { proposeGrantRemoval } from './propose-grant-removal.js';
import { repositoryBaseMesh } from './repository-base-mesh.js';
import { submitGrantRemoval } from './submit-grant-removal.js';
import { submitProposal } from './submit-proposal.js';

const CTX = { actor: 'bot:gic', action: 'review:grant-removal' };
const EXPIRES = '2026-11-20T00:00:00.000Z';
const DEMO = readdirSync(DEMO_MESH)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: `policies/${f}`, text: readFileSync(join(DEMO_MESH, f), 'utf8') }));

const policy = (name: string, namespace: string, app: string, action: 'ALLOW' | 'DENY', rule: string): string =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  annotations:\n    policy.gic/expires: "${EXPIRES}"\nspec:\n  selector:\n    matchLabels:\n      app: ${app}\n  action: ${action}\n  rules:\n${rule}`;
const RUNNER_READS = '    - from:\n        - source:\n            principals: ["mesh.example.com/ns/ci/sa/build-runner"]\n      to:\n        - operation:\n            methods: ["GET"]\n            paths: ["/api/reports/*"]\n';
const DOCS_READS = '    - from:\n        - source:\n            principals: ["mesh.example.com/ns/docs/sa/docs-site"]\n      to:\n        - operation:\n            methods: ["GET"]\n            paths: ["/api/builds/*"]\n';
const NO_POSTS = '    - to:\n        - operation:\n            methods: ["POST"]\n';

function grantOf(name: string, namespace: string, path: string): ExpiredGrant {
  return { policy: `AuthorizationPolicy/${namespace}/${name}`, expires: EXPIRES, project: 'mesh-policies', branch: 'master', path, origin: 'mesh-policies~41' };
}

async function propose(file: { path: string; text: string }, grant: ExpiredGrant, after = '') {
  const deps = await copilotDeps();
  const base = repositoryBaseMesh([...DEMO, { file: file.path, text: file.text }], deps.mesh?.snapshot());
  const input = { grant, before: file.text, after, base, baseOrigin: 'gerrit:mesh-policies/master', baseUrl: 'https://gerrit.example.com/' };
  return { deps, input, result: await proposeGrantRemoval(deps, input, CTX) };
}

describe('proposeGrantRemoval / submitGrantRemoval', () => {
  it('an ALLOW beside others on its workload: verified, only revocations; the commit message carries the evidence and the footers', async () => {
    const text = policy('docs-temp', 'builds', 'build-trigger', 'ALLOW', DOCS_READS);
    const grant = grantOf('docs-temp', 'builds', 'policies/builds/docs-temp.yaml');
    const { deps, result } = await propose({ path: grant.path, text }, grant);
    expect(result.blockers).toEqual([]);
    expect(result.verified).toBe(true);
    expect(result.accessDelta.granted).toBe(0);
    expect(result.accessDelta.changed).toBe(0);
    expect(result.accessDelta.revoked).toBeGreaterThan(0);
    const stored = await deps.store.getProposal(result.proposal);
    expect(stored).toMatchObject({ verified: true, yaml: '', createdBy: 'bot:gic', intent: { kind: 'remove-expired-grant', deleteFile: true, text: `remove the expired grant builds/docs-temp (expired at ${EXPIRES}, added by change mesh-policies~41)`, originUrl: 'https://gerrit.example.com/c/mesh-policies/+/41' } });
    if (stored === undefined || !isGrantRemovalIntent(stored.intent)) throw new Error('no removal proposal stored');
    const message = grantRemovalMessage(stored, stored.intent, removalChangeId(grant));
    expect(message.split('\n')[0]).toBe('Remove expired grant builds/docs-temp');
    expect(message).toContain('Added by: https://gerrit.example.com/c/mesh-policies/+/41');
    expect(message).toMatch(new RegExp(`^Access delta \\(exact, gic diff\\): 0 granted, ${result.accessDelta.revoked} revoked, 0 changed$`, 'm'));
    expect(message).toContain('Verified against: gerrit:mesh-policies/master at repository:sha256:');
    expect(message.split('\n').slice(-3)).toEqual(['Gic-Expired-Grant: AuthorizationPolicy/builds/docs-temp', `Gic-Proposal: ${result.proposal}`, `Change-Id: ${removalChangeId(grant)}`]);
    expect(message.split('\n').some((l) => l.startsWith('#'))).toBe(false);
    const audit = await deps.store.listAudit();
    expect(audit.map((e) => [e.action, e.outcome])).toEqual([['review:grant-removal', 'ok']]);
    // Without Gerrit the verified removal is not written: not-configured, audited.
    await expect(submitGrantRemoval(deps, { proposal: result.proposal }, CTX)).rejects.toMatchObject({ code: 'not-configured' });
  });

  it('a time-bound DENY: removing it would grant access, so it is refused, stored unverified, audited, and submit refuses it', async () => {
    const text = policy('freeze', 'builds', 'build-trigger', 'DENY', NO_POSTS);
    const grant = grantOf('freeze', 'builds', 'policies/builds/freeze.yaml');
    const { deps, input, result } = await propose({ path: grant.path, text }, grant);
    expect(result.verified).toBe(false);
    expect(result.blockers).toEqual([expect.stringMatching(/^removing builds\/freeze would grant access \(\d+ change\(s\) gain access: DENY -> ALLOW on builds\/build-trigger/)]);
    expect(await deps.store.getProposal(result.proposal)).toMatchObject({ verified: false, evidence: { blockers: result.blockers } });
    expect((await deps.store.listAudit()).map((e) => [e.outcome, e.detail?.includes('would grant access')])).toEqual([['refused', true]]);
    await expect(submitGrantRemoval(deps, { proposal: result.proposal }, CTX)).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining('would grant access') });
    // Recording the same removal again returns the stored proposal, refused again.
    const again = await proposeGrantRemoval(deps, input, CTX);
    expect(again).toMatchObject({ proposal: result.proposal, verified: false, existing: true, blockers: result.blockers });
  });

  it('the last ALLOW on a workload: removing it opens the workload to every caller, so it is refused', async () => {
    const text = policy('runner-temp', 'ci', 'build-runner', 'ALLOW', RUNNER_READS);
    const grant = grantOf('runner-temp', 'ci', 'policies/ci/runner-temp.yaml');
    const { result } = await propose({ path: grant.path, text }, grant);
    expect(result.verified).toBe(false);
    expect(result.blockers[0]).toMatch(/^removing ci\/runner-temp would grant access .*on ci\/build-runner/);
  });

  it('a file whose other documents stay: the new text is the proposal; one that does not validate is refused', async () => {
    const other = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: build-options\n  namespace: builds\nspec:\n  selector:\n    matchLabels:\n      app: build-trigger\n  action: ALLOW\n  rules:\n    - to:\n        - operation:\n            methods: ["OPTIONS"]\n';
    const grant = grantOf('docs-temp', 'builds', 'policies/builds/both.yaml');
    const text = `${policy('docs-temp', 'builds', 'build-trigger', 'ALLOW', DOCS_READS)}---\n${other}`;
    const { deps, result } = await propose({ path: grant.path, text }, grant, other);
    expect(result.verified).toBe(true);
    expect(await deps.store.getProposal(result.proposal)).toMatchObject({ yaml: other, intent: { deleteFile: false } });
    const broken = other.replace('methods: ["OPTIONS"]', 'methods: ["OPTIONS"]\n            bogus: ["x"]');
    const refused = await propose({ path: grant.path, text }, grant, broken);
    expect(refused.result.verified).toBe(false);
    expect(refused.result.blockers.join('; ')).toMatch(/the file after the removal does not validate: \d+ error/);
  });

  it('a grant another policy already gives: the diff is empty, the removal verified and the commit message says the grant decides nothing', async () => {
    const same = '    - from:\n        - source:\n            serviceAccounts: ["gerrit/gerrit"]\n      to:\n        - operation:\n            methods: ["POST"]\n            paths: ["/api/events"]\n';
    const grant = grantOf('events-temp', 'builds', 'policies/builds/events-temp.yaml');
    const { deps, result } = await propose({ path: grant.path, text: policy('events-temp', 'builds', 'build-trigger', 'ALLOW', same) }, grant);
    expect(result).toMatchObject({ verified: true, accessDelta: { granted: 0, revoked: 0, changed: 0 }, note: expect.stringContaining('decides nothing') });
    const stored = await deps.store.getProposal(result.proposal);
    if (stored === undefined || !isGrantRemovalIntent(stored.intent)) throw new Error('no removal proposal stored');
    expect(grantRemovalMessage(stored, stored.intent, removalChangeId(grant))).toContain("Note: the grant decides nothing any more: removing it changes no request's decision");
  });

  it('submit refuses a removal proposal: the grant sweeper submits it', async () => {
    const text = policy('docs-temp', 'builds', 'build-trigger', 'ALLOW', DOCS_READS);
    const grant = grantOf('docs-temp', 'builds', 'policies/builds/docs-temp.yaml');
    const { deps, result } = await propose({ path: grant.path, text }, grant);
    await expect(submitProposal(deps, { proposal: result.proposal }, { actor: 'local:me' })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('removes an expired grant') });
  });
});
