import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { copilotDeps, DEMO_MESH } from '../../test/support/copilot-fixture.js';
import { reviewChange } from './review-change.js';

const ctx = { actor: 'bot:gic', action: 'review:check' };
const BUILDS = readFileSync(join(DEMO_MESH, '30-builds.yaml'), 'utf8');
const PATH = join(DEMO_MESH, '30-builds.yaml');

async function review(after: string | undefined, before: string | null = BUILDS, path = PATH) {
  const deps = await copilotDeps();
  const base = deps.mesh?.snapshot();
  if (base === undefined) throw new Error('no mesh');
  return { deps, result: await reviewChange(deps, { base, files: [{ path, ...(before !== null ? { before } : {}), ...(after !== undefined ? { after } : {}) }] }, ctx) };
}

describe('review a change (use case)', () => {
  it('an edit that grants DELETE: the exact delta with witnesses, verified, +1', async () => {
    const after = BUILDS.replace('methods: ["POST"]\n            paths: ["/api/builds", "/api/builds/*"]', 'methods: ["POST", "DELETE"]\n            paths: ["/api/builds", "/api/builds/*"]');
    expect(after).not.toBe(BUILDS);
    const { result, deps } = await review(after);
    expect(result.diff.summary.granted).toBeGreaterThan(0);
    expect(result.diff.changes.every((c) => c.workload.name === 'build-trigger' && c.after === 'ALLOW' && c.witness.method === 'DELETE')).toBe(true);
    expect(result.validation.summary.errors).toBe(0);
    expect(result.dryRun.results.every((r) => r.accepted && r.mode === 'offline')).toBe(true);
    // The file's deliberate misconfigurations are there before the change: they are findings, not new ones.
    expect(result.findings.some((f) => f.code === 'GIC108')).toBe(true);
    expect(result.newFindings).toEqual([]);
    expect(result.verified).toBe(true);
    expect(result.vote).toBe(1);
    expect(result.message).toContain('Access delta (exact)');
    expect(result.message).toContain('witness: {');
    expect((await deps.store.listAudit())[0]).toMatchObject({ action: 'review:check', outcome: 'ok', evidence: { vote: 1 } });
  });

  it('a schema error: a comment on the line, the dry-run rejects, -1', async () => {
    const after = BUILDS.replace('methods: ["PUT"]', 'methods: ["PUT"]\n            bogus: ["x"]');
    const { result } = await review(after);
    expect(result.validation.summary.errors).toBeGreaterThan(0);
    const line = after.split('\n').findIndex((l) => l.includes('bogus:')) + 1;
    expect(result.comments.some((c) => c.path === PATH && c.line === line && c.message.startsWith('error'))).toBe(true);
    expect(result.dryRun.results.some((r) => !r.accepted)).toBe(true);
    expect(result.verified).toBe(false);
    expect(result.vote).toBe(-1);
  });

  it('an allow-all grant (GIC119, a warning) votes +1 by default, and -1 with failOn warning, saying why', async () => {
    const allowAll = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: open-build-trigger\n  namespace: builds\nspec:\n  selector:\n    matchLabels:\n      app: build-trigger\n  rules:\n    - {}\n';
    const path = join(DEMO_MESH, '31-open.yaml');
    const deps = await copilotDeps();
    const base = deps.mesh!.snapshot();
    const byDefault = await reviewChange(deps, { base, files: [{ path, after: allowAll }] }, ctx);
    expect(byDefault.newFindings.map((f) => f.code)).toContain('GIC119');
    expect(byDefault.diff.summary.granted).toBeGreaterThan(0);
    expect(byDefault).toMatchObject({ verified: true, vote: 1, blockers: [] });
    const strict = await reviewChange(deps, { base, files: [{ path, after: allowAll }], failOn: 'warning' }, ctx);
    expect(strict).toMatchObject({ verified: false, vote: -1 });
    expect(strict.blockers).toEqual([expect.stringMatching(/^findings introduced at or above warning: .*GIC119 \(warning\)/)]);
  });

  it('a new file in another path and a deleted policy are both diffed', async () => {
    const added = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-uploads\n  namespace: builds\nspec:\n  selector:\n    matchLabels:\n      app: artifact-store\n  action: DENY\n  rules:\n    - to:\n        - operation:\n            paths: ["/uploads/*"]\n';
    const { result } = await review(added, null, 'policies/builds/deny-uploads.yaml');
    expect(result.files).toEqual(['policies/builds/deny-uploads.yaml']);
    expect(result.diff.summary.revoked).toBeGreaterThan(0);
    expect(result.diff.changes.every((c) => c.after === 'DENY')).toBe(true);
    // Deleting that policy (the base does not have it: the before side adds it) grants the uploads back.
    const removed = await review(undefined, added, 'policies/builds/deny-uploads.yaml');
    expect(removed.result.diff.summary.granted).toBe(result.diff.summary.revoked);
    expect(removed.result.diff.changes.every((c) => c.before === 'DENY' && c.after === 'ALLOW')).toBe(true);
  });

  it('a grant whose policy.gic/expires has passed at the clock is a new finding (GIC125) on its line', async () => {
    const expired = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: temp-grant\n  namespace: builds\n  annotations:\n    policy.gic/expires: "2026-11-01T00:00:00Z"\nspec:\n  selector:\n    matchLabels:\n      app: build-trigger\n  action: ALLOW\n  rules:\n    - from:\n        - source:\n            principals: ["mesh.example.com/ns/ci/sa/build-runner"]\n      to:\n        - operation:\n            methods: ["GET"]\n';
    const { result } = await review(expired, null, 'policies/builds/temp-grant.yaml');
    const finding = result.newFindings.find((f) => f.code === 'GIC125');
    expect(finding).toBeDefined();
    expect(result.comments.some((c) => c.path === 'policies/builds/temp-grant.yaml' && c.message.startsWith('GIC125'))).toBe(true);
    const future = await review(expired.replace('2026-11-01', '2027-01-01'), null, 'policies/builds/temp-grant.yaml');
    expect(future.result.newFindings.some((f) => f.code === 'GIC125')).toBe(false);
  });

  it('a file without Istio security resources gets no vote', async () => {
    const { result } = await review('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: builds\n', null, 'policies/notes.yaml');
    expect(result.vote).toBe(0);
    expect(result.diff.changes).toEqual([]);
  });
});
