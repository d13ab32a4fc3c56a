// Properties of `evaluateRequest` over generated meshes and requests (test/arbitraries/mesh-and-requests.ts):
// it never throws, is deterministic and independent of policy order and API version, and policy
// changes move decisions only in the sound direction (adding DENY or AUDIT never grants, removing one
// of several ALLOW policies never grants, dry-run policies are never enforced). Meshes come from both
// the plain and the wide generators (gateways, ad-hoc and unknown targets, trust domains, tokens), and
// each property counts what it checked (test/support/generator-coverage.ts): a generator that drifts
// to trivial cases (no ALLOW policy, no decision but DENY, no gateway) fails the coverage assertions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AccessRequestSchema } from '../../src/policy/evaluate/access-request.js';
import { compileMesh, type CompiledMesh } from '../../src/policy/evaluate/compile-mesh.js';
import type { Decision } from '../../src/policy/evaluate/decision.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import {
  buildMesh,
  INGRESS,
  K8S_GATEWAY,
  type MeshSeed,
  meshAndRequestsArb,
  meshSeedArb,
  type PolicySeed,
  policySeedArb,
  requestArb,
  WAYPOINT,
  wideMeshAndRequestsArb,
  wideMeshSeedArb,
  wideRequestArb,
} from '../arbitraries/mesh-and-requests.js';
import { GeneratorCoverage } from '../support/generator-coverage.js';

const RUNS = { numRuns: 300 };

/** Meshes and requests from the plain generator and from the wide one, half and half. */
const anyMeshAndRequestsArb = fc.oneof(meshAndRequestsArb, wideMeshAndRequestsArb);

/** A seed (plain or wide), an extra policy of `action` drawn alike, and requests against the seed. */
const seedPolicyRequestsArb = (action: 'ALLOW' | 'DENY' | 'AUDIT'): fc.Arbitrary<[MeshSeed, PolicySeed, AccessRequest[]]> =>
  fc.oneof(
    meshSeedArb.chain((seed) => fc.tuple(fc.constant(seed), policySeedArb(action), fc.array(requestArb(seed), { minLength: 1, maxLength: 8 }))),
    wideMeshSeedArb.chain((seed) => fc.tuple(fc.constant(seed), policySeedArb(action, true), fc.array(wideRequestArb(seed), { minLength: 1, maxLength: 8 }))),
  );

/** Minimum shares of decided requests per kind (about a third of what the generators give). */
const DECISION_SHARES = { ALLOW: 0.3, DENY: 0.1, UNAUTHENTICATED: 0.01, CONDITIONAL: 0.004, sidecar: 0.25, ambient: 0.05, 'out of mesh': 0.05, gateway: 0.008, waypoint: 0.002, 'ad-hoc': 0.02, unknown: 0.006, tcp: 0.1, 'with a token': 0.2, plaintext: 0.07 };

type TargetKind = 'sidecar' | 'ambient' | 'out of mesh' | 'gateway' | 'waypoint' | 'ad-hoc' | 'unknown';

/** What the request addresses, read from the seed (cli.md "Addressing"). */
function targetKind(seed: MeshSeed, r: AccessRequest): TargetKind {
  const { namespace, workload, labels } = r.to;
  if (labels !== undefined) return 'ad-hoc';
  if (namespace === 'foo' && ((seed.ingress === true && workload === INGRESS) || (seed.k8sGateway === true && (workload === K8S_GATEWAY || workload === `${K8S_GATEWAY}-istio`)))) return 'gateway';
  if (namespace === 'bar' && seed.waypoint === true && workload === WAYPOINT) return 'waypoint';
  const known = seed.workloads.find((w) => w.namespace === namespace && w.app === workload);
  if (known === undefined) return 'unknown';
  return known.dataplane === 'none' ? 'out of mesh' : known.dataplane;
}

/** Coverage labels of one decided request. */
function labelsOf(seed: MeshSeed, r: AccessRequest, d: Decision): Record<string, boolean> {
  const kind = targetKind(seed, r);
  return {
    [d.decision]: true,
    [kind]: true,
    tcp: d.protocol === 'tcp',
    'with a token': r.jwt !== undefined,
    plaintext: r.from !== undefined && 'plaintext' in r.from,
  };
}

function decide(seed: MeshSeed, requests: readonly AccessRequest[], options: Parameters<typeof buildMesh>[1] = {}): Decision[] {
  const compiled = compileMesh(buildMesh(seed, options));
  return requests.map((r) => evaluateRequest(compiled, r));
}

/** The decision without the trace (reasons and provider included). */
const outcome = (d: Decision): Omit<Decision, 'trace'> => ({ decision: d.decision, protocol: d.protocol, reasons: d.reasons, ...(d.provider === undefined ? {} : { provider: d.provider }) });

const withPolicy = (seed: MeshSeed, policy: MeshSeed['policies'][number]): MeshSeed => ({ ...seed, policies: [...seed.policies, policy] });

describe('evaluateRequest properties', () => {
  it('generated requests are valid gic check requests', () => {
    fc.assert(
      fc.property(meshAndRequestsArb, ({ requests }) => {
        for (const r of requests) expect(AccessRequestSchema.safeParse(r).success).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('never throws and always returns a well-formed decision', () => {
    const coverage = new GeneratorCoverage('decisions');
    fc.assert(
      fc.property(anyMeshAndRequestsArb, ({ seed, requests }) => {
        decide(seed, requests).forEach((d, i) => {
          coverage.note(labelsOf(seed, requests[i] as AccessRequest, d));
          expect(['ALLOW', 'DENY', 'UNAUTHENTICATED', 'CONDITIONAL']).toContain(d.decision);
          expect(['http', 'grpc', 'tcp']).toContain(d.protocol);
          expect(d.trace.length).toBeGreaterThan(0);
          if (d.decision === 'CONDITIONAL') expect(d.provider).toBeTruthy();
          else expect(d.provider).toBeUndefined();
          if (d.decision === 'DENY' || d.decision === 'UNAUTHENTICATED') expect(d.reasons.length).toBeGreaterThan(0);
        });
      }),
      RUNS,
    );
    coverage.expectShares(DECISION_SHARES, 1000);
  });

  it('the coverage assertions reject generators drifted to trivial meshes or requests', () => {
    const sharesOf = (arb: typeof anyMeshAndRequestsArb): GeneratorCoverage => {
      const coverage = new GeneratorCoverage('drifted');
      fc.assert(
        fc.property(arb, ({ seed, requests }) => {
          decide(seed, requests).forEach((d, i) => coverage.note(labelsOf(seed, requests[i] as AccessRequest, d)));
        }),
        { numRuns: 150 },
      );
      return coverage;
    };
    const drifts = {
      'no policies': anyMeshAndRequestsArb.map(({ seed, requests }) => ({ seed: { ...seed, policies: [], requestAuthentications: [] }, requests })),
      'plain generator only (no gateway, no ad-hoc target)': meshAndRequestsArb,
      'sidecars only': anyMeshAndRequestsArb.map(({ seed, requests }) => ({ seed: { ...seed, workloads: seed.workloads.map((w) => ({ ...w, dataplane: 'sidecar' as const })) }, requests })),
      'no tokens': anyMeshAndRequestsArb.map(({ seed, requests }) => ({ seed, requests: requests.map(({ jwt: _jwt, ...r }) => r) })),
    };
    // (The full generator meeting DECISION_SHARES is the test above.)
    for (const [name, arb] of Object.entries(drifts)) expect(() => sharesOf(arb).expectShares(DECISION_SHARES, 100), name).toThrow();
  });

  it('is deterministic, and the trace option does not change the outcome', () => {
    fc.assert(
      fc.property(anyMeshAndRequestsArb, ({ seed, requests }) => {
        const compiled: CompiledMesh = compileMesh(buildMesh(seed));
        for (const r of requests) {
          const a = evaluateRequest(compiled, r);
          const b = evaluateRequest(compiled, r);
          const c = evaluateRequest(compiled, r, { trace: false });
          expect(b).toEqual(a);
          expect(outcome(c)).toEqual(outcome(a));
          expect(c.trace).toEqual([]);
        }
      }),
      RUNS,
    );
  });

  it('does not depend on the order of policies', () => {
    fc.assert(
      fc.property(anyMeshAndRequestsArb, fc.integer({ min: 1, max: 1_000_000 }), ({ seed, requests }, shuffle) => {
        const a = decide(seed, requests).map(outcome);
        const b = decide(seed, requests, { shuffle }).map(outcome);
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });

  it('decides alike for security.istio.io v1 and v1beta1', () => {
    fc.assert(
      fc.property(anyMeshAndRequestsArb, ({ seed, requests }) => {
        const a = decide(seed, requests, { apiVersion: 'security.istio.io/v1' }).map(outcome);
        const b = decide(seed, requests, { apiVersion: 'security.istio.io/v1beta1' }).map(outcome);
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });

  it('adding a DENY policy never grants access', () => {
    const coverage = new GeneratorCoverage('adding DENY');
    fc.assert(
      fc.property(seedPolicyRequestsArb('DENY'), ([seed, deny, requests]) => {
        const before = decide(seed, requests);
        const after = decide(withPolicy(seed, deny), requests);
        after.forEach((d, i) => {
          coverage.note({ 'allowed before': before[i]?.decision === 'ALLOW', 'denied by the new policy': before[i]?.decision === 'ALLOW' && d.decision === 'DENY' });
          if (d.decision === 'ALLOW') expect(before[i]?.decision).toBe('ALLOW');
          if (d.decision === 'CONDITIONAL') expect(before[i]?.decision).toBe('CONDITIONAL');
        });
      }),
      RUNS,
    );
    coverage.expectShares({ 'allowed before': 0.3, 'denied by the new policy': 0.03 }, 1000);
  });

  it('adding an AUDIT policy or any dry-run policy changes no decision', () => {
    const coverage = new GeneratorCoverage('adding AUDIT or dry-run');
    fc.assert(
      fc.property(
        fc.oneof(
          seedPolicyRequestsArb('AUDIT'),
          seedPolicyRequestsArb('DENY').map(([seed, p, requests]): [MeshSeed, PolicySeed, AccessRequest[]] => [seed, { ...p, dryRun: true }, requests]),
          seedPolicyRequestsArb('ALLOW').map(([seed, p, requests]): [MeshSeed, PolicySeed, AccessRequest[]] => [seed, { ...p, dryRun: true }, requests]),
        ),
        ([seed, extra, requests]) => {
          const before = decide(seed, requests).map((d) => d.decision);
          const after = decide(withPolicy(seed, extra), requests).map((d) => d.decision);
          for (const d of before) coverage.note({ [extra.action === 'AUDIT' ? 'AUDIT' : `dry-run ${extra.action}`]: true, [d]: true });
          expect(after).toEqual(before);
        },
      ),
      RUNS,
    );
    coverage.expectShares({ AUDIT: 0.15, 'dry-run DENY': 0.15, 'dry-run ALLOW': 0.15, ALLOW: 0.3, DENY: 0.1, UNAUTHENTICATED: 0.01, CONDITIONAL: 0.004 }, 1000);
  });

  it('removing an ALLOW policy that is not the only one that applies never grants access', () => {
    const coverage = new GeneratorCoverage('removing ALLOW');
    fc.assert(
      fc.property(
        // The seed gets one more enforced ALLOW policy, so there is always one to remove.
        fc.tuple(seedPolicyRequestsArb('ALLOW'), fc.nat()).map(([[seed, allow, requests], pick]): [MeshSeed, number, AccessRequest[]] => [withPolicy(seed, { ...allow, dryRun: false }), pick, requests]),
        ([seed, pick, requests]) => {
          const allowIndexes = seed.policies.flatMap((p, i) => (p.action === 'ALLOW' && !p.dryRun ? [i] : []));
          expect(allowIndexes.length).toBeGreaterThan(0);
          const removed = allowIndexes[pick % allowIndexes.length] as number;
          const smaller: MeshSeed = { ...seed, policies: seed.policies.filter((_, i) => i !== removed) };
          const beforeMesh = compileMesh(buildMesh(seed));
          const afterMesh = compileMesh(buildMesh(smaller));
          for (const r of requests) {
            const target = afterMesh.workloads.get(`${r.to.namespace}/${r.to.workload ?? ''}`);
            const remaining = target === undefined ? 0 : target.dataplane === 'ambient' ? afterMesh.ztunnelPolicies(target).allow.length : afterMesh.envoyPolicies(target).allowEnforced.length;
            if (remaining === 0) {
              coverage.note();
              continue;
            }
            const before = evaluateRequest(beforeMesh, r, { trace: false });
            const after = evaluateRequest(afterMesh, r, { trace: false });
            coverage.note({ 'another ALLOW applies': true, 'allowed before': before.decision === 'ALLOW', 'denied before': before.decision === 'DENY' });
            if (after.decision === 'ALLOW') expect(before.decision).toBe('ALLOW');
            if (after.decision === 'CONDITIONAL') expect(before.decision).toBe('CONDITIONAL');
          }
        },
      ),
      RUNS,
    );
    coverage.expectShares({ 'another ALLOW applies': 0.08, 'allowed before': 0.03, 'denied before': 0.03 }, 1000);
  });

  it('adding an allow-all ALLOW policy in the root namespace never denies a request that was allowed', () => {
    const coverage = new GeneratorCoverage('allow-all in the root namespace');
    fc.assert(
      fc.property(anyMeshAndRequestsArb, ({ seed, requests }) => {
        const before = decide(seed, requests);
        const after = decide(withPolicy(seed, { namespace: 'istio-system', action: 'ALLOW', spec: { rules: [{}] }, dryRun: false }), requests);
        after.forEach((d, i) => {
          coverage.note({ 'allowed before': before[i]?.decision === 'ALLOW', 'granted by it': before[i]?.decision === 'DENY' && d.decision === 'ALLOW' });
          if (before[i]?.decision === 'ALLOW') expect(d.decision).toBe('ALLOW');
        });
      }),
      RUNS,
    );
    coverage.expectShares({ 'allowed before': 0.3, 'granted by it': 0.03 }, 1000);
  });

  it('mesh-wide STRICT mTLS never lets a plaintext client reach a sidecar', () => {
    const coverage = new GeneratorCoverage('STRICT mTLS');
    fc.assert(
      fc.property(anyMeshAndRequestsArb, ({ seed, requests }) => {
        const strict: MeshSeed = { ...seed, peerAuthentications: [{ namespace: 'istio-system', spec: { mtls: { mode: 'STRICT' } }, ts: '2000-01-01T00:00:00Z' }] };
        const compiled = compileMesh(buildMesh(strict));
        for (const r of requests) {
          // PeerAuthentication does not apply to gateways; out-of-mesh workloads have no proxy.
          const kind = targetKind(seed, r);
          coverage.note({ [kind]: true });
          if (kind !== 'sidecar' && kind !== 'ambient') continue;
          const d = evaluateRequest(compiled, { ...r, from: { plaintext: true } });
          expect(d.decision).toBe('DENY');
          expect(d.reasons[0]?.action).toBe('MTLS');
        }
      }),
      RUNS,
    );
    coverage.expectShares({ sidecar: 0.25, ambient: 0.05, gateway: 0.008, 'ad-hoc': 0.02 }, 1000);
  });
});
