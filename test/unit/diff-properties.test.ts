// Exactness of the access diff (src/policy/diff), both directions: for random meshes, random policy
// edits and random requests, a request's decision differs between the two meshes exactly when it lies
// in a reported class (`classContains`), and every witness decides as its change says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { diffCompiled } from '../../src/policy/diff/access-diff.js';
import { classContains } from '../../src/policy/diff/class-contains.js';
import { buildMesh, type MeshSeed, meshSeedArb, policySeedArb, requestArb } from '../arbitraries/mesh-and-requests.js';
import { GeneratorCoverage } from '../support/generator-coverage.js';

type Edit = { kind: 'add'; policy: MeshSeed['policies'][number] } | { kind: 'remove'; index: number } | { kind: 'replace'; index: number; policy: MeshSeed['policies'][number] };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  policySeedArb().map((policy) => ({ kind: 'add' as const, policy })),
  fc.nat(5).map((index) => ({ kind: 'remove' as const, index })),
  fc.tuple(fc.nat(5), policySeedArb()).map(([index, policy]) => ({ kind: 'replace' as const, index, policy })),
);

function applyEdit(seed: MeshSeed, edit: Edit): MeshSeed {
  const policies = [...seed.policies];
  if (edit.kind === 'add') policies.push(edit.policy);
  else if (policies.length > 0) {
    const i = edit.index % policies.length;
    if (edit.kind === 'remove') policies.splice(i, 1);
    else policies[i] = edit.policy;
  }
  return { ...seed, policies };
}

const caseArb = meshSeedArb.chain((seed) =>
  fc.record({
    seed: fc.constant(seed),
    edits: fc.array(editArb, { minLength: 1, maxLength: 2 }),
    requests: fc.array(requestArb(seed), { minLength: 1, maxLength: 25 }),
  }),
);

/** Ambient workloads of `bar` behind its waypoint: the waypoint's and ztunnel's decisions both count. */
const waypointCaseArb = caseArb.map(({ seed, edits, requests }) => {
  const apps = new Set<string>();
  const workloads = seed.workloads.map((w) => ({ ...w, namespace: 'bar', dataplane: 'ambient' as const })).filter((w) => !apps.has(w.app) && apps.add(w.app) !== undefined);
  const inBar = (r: AccessRequest): AccessRequest => ({ ...r, to: { ...r.to, namespace: 'bar', workload: apps.has(r.to.workload ?? '') ? r.to.workload : (workloads[0]?.app as string) } });
  return { seed: { ...seed, waypoint: true, workloads }, edits, requests: (requests as AccessRequest[]).map(inBar) };
});

/** Checks one case; counts what it checked (the loops below pass vacuously over empty lists). */
const checkExact = (coverage: GeneratorCoverage) => ({ seed, edits, requests }: { seed: MeshSeed; edits: Edit[]; requests: unknown[] }): void => {
  const afterSeed = edits.reduce(applyEdit, seed);
  const before = compileMesh(buildMesh(seed));
  const after = compileMesh(buildMesh(afterSeed));
  const report = diffCompiled(before, after);
  for (const change of report.changes) {
    expect(evaluateRequest(before, change.witness).decision, JSON.stringify(change)).toBe(change.before);
    expect(evaluateRequest(after, change.witness).decision, JSON.stringify(change)).toBe(change.after);
    expect(classContains(change, change.witness, after)).toBe(true);
  }
  for (const request of requests as AccessRequest[]) {
    const b = evaluateRequest(before, request).decision;
    const a = evaluateRequest(after, request).decision;
    const holders = report.changes.filter((c) => classContains(c, request, after));
    coverage.note({ 'decision changed': a !== b, 'a change is reported': report.changes.length > 0, [b]: true });
    const context = JSON.stringify({ request, b, a, holders, policiesBefore: seed.policies, policiesAfter: afterSeed.policies });
    if (a !== b) {
      expect(holders.length, context).toBeGreaterThan(0);
      for (const h of holders) expect([h.before, h.after], context).toEqual([b, a]);
    } else {
      expect(holders, context).toEqual([]);
    }
  }
};

describe('access diff exactness', () => {
  it('a request changes decision exactly when a reported class contains it; witnesses decide as reported', () => {
    const coverage = new GeneratorCoverage('access diff');
    fc.assert(fc.property(caseArb, checkExact(coverage)), { numRuns: 300 });
    coverage.expectShares({ 'decision changed': 0.04, 'a change is reported': 0.12, ALLOW: 0.3, DENY: 0.1 }, 1000);
  }, 120_000);

  it('is exact for ambient workloads behind a waypoint', () => {
    const coverage = new GeneratorCoverage('access diff behind a waypoint');
    fc.assert(fc.property(waypointCaseArb, checkExact(coverage)), { numRuns: 300 });
    coverage.expectShares({ 'decision changed': 0.04, 'a change is reported': 0.12, ALLOW: 0.3, DENY: 0.1 }, 1000);
  }, 120_000);
});
