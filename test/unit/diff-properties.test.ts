// Exactness of the access diff (src/policy/diff), both directions: for random meshes, random policy
// edits and random requests, a request the workload can receive changes its decision between the two
// meshes exactly when it lies in a reported class (`classContains`); a request it cannot receive (a
// port it does not expose, a protocol its Service does not declare there) lies in none; every witness
// decides as its change says. Diffing once per class of workloads equals diffing every workload.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { diffCompiled, type DiffStats } from '../../src/policy/diff/access-diff.js';
import { classContains, splitClaimsOf } from '../../src/policy/diff/class-contains.js';
import { callerIdentity, viewRequest } from '../../src/policy/diff/request-view.js';
import { canReceive, exposureOf } from '../../src/policy/diff/target-structure.js';
import type { Source } from '../../src/policy/resources/authorization-policy.js';
import { buildMesh, type MeshSeed, meshSeedArb, policySeedArb, requestArb, ROOT } from '../arbitraries/mesh-and-requests.js';
import { GeneratorCoverage } from '../support/generator-coverage.js';

type Edit =
  | { kind: 'add'; policy: MeshSeed['policies'][number] }
  | { kind: 'remove'; index: number }
  | { kind: 'replace'; index: number; policy: MeshSeed['policies'][number] }
  /** The workload (and its Service) is gone from the after mesh. */
  | { kind: 'drop-workload'; index: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: policySeedArb().map((policy) => ({ kind: 'add' as const, policy })) },
  { weight: 3, arbitrary: fc.nat(5).map((index) => ({ kind: 'remove' as const, index })) },
  { weight: 3, arbitrary: fc.tuple(fc.nat(5), policySeedArb()).map(([index, policy]) => ({ kind: 'replace' as const, index, policy })) },
  { weight: 1, arbitrary: fc.nat(5).map((index) => ({ kind: 'drop-workload' as const, index })) },
);

function applyEdit(seed: MeshSeed, edit: Edit): MeshSeed {
  if (edit.kind === 'drop-workload') {
    if (seed.workloads.length < 2) return seed;
    const workloads = [...seed.workloads];
    workloads.splice(edit.index % workloads.length, 1);
    return { ...seed, workloads };
  }
  const policies = [...seed.policies];
  if (edit.kind === 'add') policies.push(edit.policy);
  else if (policies.length > 0) {
    const i = edit.index % policies.length;
    if (edit.kind === 'remove') policies.splice(i, 1);
    else policies[i] = edit.policy;
  }
  return { ...seed, policies };
}

/**
 * Three requests in four made receivable: on a port the workload exposes (80, targeted by Service port
 * `http`; 9000, Service port `tcp`) with a protocol that port carries; the rest as generated (8081
 * and no port are not exposed, HTTP on 9000 and TCP on 80 are not carried).
 */
function mostlyReceivable(request: AccessRequest, keep: boolean): AccessRequest {
  if (keep) return request;
  const port = request.to.port === 9000 ? 9000 : 80;
  const protocol = request.to.protocol === undefined || (port === 9000) === (request.to.protocol === 'tcp') ? request.to.protocol : undefined;
  const { protocol: _dropped, ...to } = request.to;
  return { ...request, to: { ...to, port, ...(protocol === undefined ? {} : { protocol }) } };
}

const caseArb = meshSeedArb.chain((seed) =>
  fc.record({
    seed: fc.constant(seed),
    edits: fc.array(editArb, { minLength: 1, maxLength: 2 }),
    requests: fc.array(fc.tuple(requestArb(seed), fc.nat(3)).map(([r, k]) => mostlyReceivable(r, k === 0)), { minLength: 1, maxLength: 25 }),
  }),
);

/** Ambient workloads of `bar` behind its waypoint: the waypoint's and ztunnel's decisions both count. */
const waypointCaseArb = caseArb.map(({ seed, edits, requests }) => {
  const apps = new Set<string>();
  const workloads = seed.workloads.map((w) => ({ ...w, namespace: 'bar', dataplane: 'ambient' as const })).filter((w) => !apps.has(w.app) && apps.add(w.app) !== undefined);
  const inBar = (r: AccessRequest): AccessRequest => ({ ...r, to: { ...r.to, namespace: 'bar', workload: apps.has(r.to.workload ?? '') ? r.to.workload : (workloads[0]?.app as string) } });
  return { seed: { ...seed, waypoint: true, workloads }, edits, requests: (requests as AccessRequest[]).map(inBar) };
});

/** How often the properties met what they are about (asserted after each run, so the generators cannot drift to trivial cases). */
const coverage = { requests: 0, changed: 0, unreceivable: 0, changes: 0, sharedClasses: 0, rulesLeftOut: 0, unchangedByMasks: 0, onlyIn: 0 };

/** Checks one case; `shares` counts the requests it checked, by kind (generator-coverage.ts). */
const checkExact = (shares: GeneratorCoverage) => ({ seed, edits, requests }: { seed: MeshSeed; edits: Edit[]; requests: unknown[] }): void => {
  const afterSeed = edits.reduce(applyEdit, seed);
  const before = compileMesh(buildMesh(seed));
  const after = compileMesh(buildMesh(afterSeed));
  const stats: DiffStats = { workloadsCompared: 0, classesEvaluated: 0, workloadClasses: 0, rulesLeftOut: 0, unchangedByMasks: 0 };
  // Rules the edit cannot reach are left out however few workloads it reaches (by default from 16).
  const report = diffCompiled(before, after, { stats, relevanceFrom: 0 });
  coverage.changes += report.changes.length;
  coverage.rulesLeftOut += stats.rulesLeftOut;
  coverage.unchangedByMasks += stats.unchangedByMasks;
  for (const change of report.changes) {
    // A workload in one mesh only decides there; nothing reaches it in the other (DENY).
    if (change.onlyIn !== 'after') expect(evaluateRequest(before, change.witness).decision, JSON.stringify(change)).toBe(change.before);
    if (change.onlyIn !== 'before') expect(evaluateRequest(after, change.witness).decision, JSON.stringify(change)).toBe(change.after);
    if (change.onlyIn !== undefined) coverage.onlyIn++;
    expect(classContains(change, change.witness, change.onlyIn === 'before' ? before : after)).toBe(true);
  }
  for (const request of requests as AccessRequest[]) {
    // A caller named by its workload is another caller when that workload is gone from one mesh: the
    // request is then not one point of the request space in both meshes.
    if (callerIdentity(before, request)?.uri !== callerIdentity(after, request)?.uri) continue;
    const key = `${request.to.namespace}/${request.to.workload ?? ''}`;
    const inBefore = before.workloads.has(key);
    const inAfter = after.workloads.has(key);
    const b = inBefore ? evaluateRequest(before, request).decision : 'DENY';
    const a = inAfter ? evaluateRequest(after, request).decision : 'DENY';
    const mesh = inAfter ? after : before;
    const holders = report.changes.filter((c) => classContains(c, request, mesh));
    const context = JSON.stringify({ request, b, a, holders, policiesBefore: seed.policies, policiesAfter: afterSeed.policies });
    const target = mesh.workloads.get(key);
    const view = target === undefined ? undefined : viewRequest(mesh, target, request, splitClaimsOf(mesh));
    if (target === undefined || view === undefined || !canReceive(exposureOf(mesh, target), view.port, view.protocol)) {
      coverage.unreceivable++;
      expect(holders, context).toEqual([]);
      continue;
    }
    coverage.requests++;
    if (a !== b) coverage.changed++;
    shares.note({ 'decision changed': a !== b, 'a change is reported': report.changes.length > 0, [b]: true });
    if (a !== b) {
      expect(holders.length, context).toBeGreaterThan(0);
      for (const h of holders) expect([h.before, h.after], context).toEqual([b, a]);
    } else {
      expect(holders, context).toEqual([]);
    }
  }
};

/** A narrow rule: one port, maybe one method and path, maybe one caller. */
const narrowRuleArb = fc
  .record({
    port: fc.constantFrom('80', '9000'),
    method: fc.option(fc.constantFrom('GET', 'POST'), { nil: undefined }),
    path: fc.option(fc.constantFrom('/a', '/a/*', '/x/{*}'), { nil: undefined }),
    from: fc.option(fc.constantFrom<Source>({ principals: ['cluster.local/ns/foo/sa/sa1'] }, { namespaces: ['bar'] }, { notPrincipals: ['*'] }, { serviceAccounts: ['foo/sa2'] }), { nil: undefined }),
  })
  .map(({ port, method, path, from }) => ({
    ...(from === undefined ? {} : { from: [{ source: from }] }),
    to: [{ operation: { ports: [port], ...(method === undefined ? {} : { methods: [method] }), ...(path === undefined ? {} : { paths: [path] }) } }],
  }));

/** A root-namespace policy without a selector (it reaches every workload) with narrow rules. */
const meshWidePolicyArb: fc.Arbitrary<MeshSeed['policies'][number]> = fc
  .record({ action: fc.constantFrom<'ALLOW' | 'DENY'>('ALLOW', 'DENY'), rules: fc.array(narrowRuleArb, { minLength: 1, maxLength: 2 }) })
  .map(({ action, rules }) => ({ namespace: ROOT, action, spec: { action, rules }, dryRun: false }));

/**
 * Mesh-wide edits: a mesh with narrow root-namespace policies beside the usual ones, and an edit that
 * adds, replaces or removes a root policy. Most rules of a workload cannot meet such an edit and are
 * left out of its diff; some edits are masked entirely by a root DENY or ALLOW.
 */
const meshWideCaseArb = caseArb.chain(({ seed, requests }) =>
  fc.record({
    seed: fc.array(meshWidePolicyArb, { minLength: 1, maxLength: 3 }).map((root) => ({ ...seed, policies: [...root, ...seed.policies] })),
    edits: fc.oneof(
      meshWidePolicyArb.map((policy): Edit[] => [{ kind: 'add', policy }]),
      fc.tuple(fc.nat(2), meshWidePolicyArb).map(([index, policy]): Edit[] => [{ kind: 'replace', index, policy }]),
      fc.nat(2).map((index): Edit[] => [{ kind: 'remove', index }]),
    ),
    requests: fc.constant(requests),
  }),
);

/** Diffing once per class of workloads and re-targeting equals diffing each workload on its own. */
function checkSharing({ seed, edits }: { seed: MeshSeed; edits: Edit[] }): void {
  const before = compileMesh(buildMesh(seed));
  const after = compileMesh(buildMesh(edits.reduce(applyEdit, seed)));
  const stats: DiffStats = { workloadsCompared: 0, classesEvaluated: 0, workloadClasses: 0, rulesLeftOut: 0, unchangedByMasks: 0 };
  const shared = diffCompiled(before, after, { stats, relevanceFrom: 0 });
  const alone = diffCompiled(before, after, { perWorkload: true, relevanceFrom: 0 });
  coverage.sharedClasses += stats.workloadsCompared - stats.workloadClasses;
  expect(JSON.parse(JSON.stringify(shared))).toEqual(JSON.parse(JSON.stringify(alone)));
}

/** Several workloads per namespace with the same ports (sidecar and ambient), so that classes have several members. */
const sharingCaseArb = caseArb.map(({ seed, edits }) => {
  const workloads = [...seed.workloads, ...seed.workloads.map((w) => ({ ...w, app: w.app === 'a' ? 'b' : w.app === 'b' ? 'c' : 'a' }))];
  const seen = new Set<string>();
  return { seed: { ...seed, workloads: workloads.filter((w) => !seen.has(`${w.namespace}/${w.app}`) && seen.add(`${w.namespace}/${w.app}`) !== undefined) }, edits };
});

describe('access diff exactness', () => {
  it('a request changes decision exactly when a reported class contains it; witnesses decide as reported', () => {
    const shares = new GeneratorCoverage('access diff');
    fc.assert(fc.property(caseArb, checkExact(shares)), { numRuns: 300 });
    shares.expectShares({ 'decision changed': 0.04, 'a change is reported': 0.12, ALLOW: 0.3, DENY: 0.1 }, 1000);
  }, 120_000);

  it('is exact for ambient workloads behind a waypoint', () => {
    const shares = new GeneratorCoverage('access diff behind a waypoint');
    fc.assert(fc.property(waypointCaseArb, checkExact(shares)), { numRuns: 300 });
    shares.expectShares({ 'decision changed': 0.04, 'a change is reported': 0.12, ALLOW: 0.3, DENY: 0.1 }, 1000);
  }, 120_000);

  it('is exact for mesh-wide edits, which leave most rules of each workload out of its diff', () => {
    const shares = new GeneratorCoverage('access diff of mesh-wide edits');
    fc.assert(fc.property(meshWideCaseArb, checkExact(shares)), { numRuns: 300 });
    shares.expectShares({ 'decision changed': 0.04, 'a change is reported': 0.12, ALLOW: 0.2, DENY: 0.1 }, 1000);
  }, 120_000);

  it('diffing once per class of workloads equals diffing every workload on its own', () => {
    fc.assert(fc.property(sharingCaseArb, checkSharing), { numRuns: 300 });
    fc.assert(fc.property(meshWideCaseArb, checkSharing), { numRuns: 200 });
  }, 120_000);

  it('the properties meet requests that change, requests the workload cannot receive, removed workloads and classes with several members', () => {
    expect(coverage.requests).toBeGreaterThan(2000);
    expect(coverage.changed).toBeGreaterThan(150);
    expect(coverage.unreceivable).toBeGreaterThan(200);
    expect(coverage.changes).toBeGreaterThan(400);
    expect(coverage.sharedClasses).toBeGreaterThan(100);
    expect(coverage.rulesLeftOut).toBeGreaterThan(500);
    expect(coverage.unchangedByMasks).toBeGreaterThan(50);
    expect(coverage.onlyIn).toBeGreaterThan(20);
  });
});
