// Properties of `evaluateRequest` over generated meshes and requests (test/arbitraries/mesh-and-requests.ts):
// it never throws, is deterministic and independent of policy order and API version, and policy
// changes move decisions only in the sound direction (adding DENY or AUDIT never grants, removing one
// of several ALLOW policies never grants, dry-run policies are never enforced).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AccessRequestSchema } from '../../src/policy/evaluate/access-request.js';
import { compileMesh, type CompiledMesh } from '../../src/policy/evaluate/compile-mesh.js';
import type { Decision } from '../../src/policy/evaluate/decision.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import { buildMesh, type MeshSeed, meshAndRequestsArb, meshSeedArb, policySeedArb, requestArb } from '../arbitraries/mesh-and-requests.js';

const RUNS = { numRuns: 300 };

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
    fc.assert(
      fc.property(meshAndRequestsArb, ({ seed, requests }) => {
        for (const d of decide(seed, requests)) {
          expect(['ALLOW', 'DENY', 'UNAUTHENTICATED', 'CONDITIONAL']).toContain(d.decision);
          expect(['http', 'grpc', 'tcp']).toContain(d.protocol);
          expect(d.trace.length).toBeGreaterThan(0);
          if (d.decision === 'CONDITIONAL') expect(d.provider).toBeTruthy();
          else expect(d.provider).toBeUndefined();
          if (d.decision === 'DENY' || d.decision === 'UNAUTHENTICATED') expect(d.reasons.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('is deterministic, and the trace option does not change the outcome', () => {
    fc.assert(
      fc.property(meshAndRequestsArb, ({ seed, requests }) => {
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
      fc.property(meshAndRequestsArb, fc.integer({ min: 1, max: 1_000_000 }), ({ seed, requests }, shuffle) => {
        const a = decide(seed, requests).map(outcome);
        const b = decide(seed, requests, { shuffle }).map(outcome);
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });

  it('decides alike for security.istio.io v1 and v1beta1', () => {
    fc.assert(
      fc.property(meshAndRequestsArb, ({ seed, requests }) => {
        const a = decide(seed, requests, { apiVersion: 'security.istio.io/v1' }).map(outcome);
        const b = decide(seed, requests, { apiVersion: 'security.istio.io/v1beta1' }).map(outcome);
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });

  it('adding a DENY policy never grants access', () => {
    fc.assert(
      fc.property(
        meshSeedArb.chain((seed) => fc.tuple(fc.constant(seed), policySeedArb('DENY'), fc.array(requestArb(seed), { minLength: 1, maxLength: 8 }))),
        ([seed, deny, requests]) => {
          const before = decide(seed, requests);
          const after = decide(withPolicy(seed, deny), requests);
          after.forEach((d, i) => {
            if (d.decision === 'ALLOW') expect(before[i]?.decision).toBe('ALLOW');
            if (d.decision === 'CONDITIONAL') expect(before[i]?.decision).toBe('CONDITIONAL');
          });
        },
      ),
      RUNS,
    );
  });

  it('adding an AUDIT policy or any dry-run policy changes no decision', () => {
    fc.assert(
      fc.property(
        meshSeedArb.chain((seed) =>
          fc.tuple(
            fc.constant(seed),
            fc.oneof(policySeedArb('AUDIT'), policySeedArb('DENY').map((p) => ({ ...p, dryRun: true })), policySeedArb('ALLOW').map((p) => ({ ...p, dryRun: true }))),
            fc.array(requestArb(seed), { minLength: 1, maxLength: 8 }),
          ),
        ),
        ([seed, extra, requests]) => {
          const before = decide(seed, requests).map((d) => d.decision);
          const after = decide(withPolicy(seed, extra), requests).map((d) => d.decision);
          expect(after).toEqual(before);
        },
      ),
      RUNS,
    );
  });

  it('removing an ALLOW policy that is not the only one that applies never grants access', () => {
    fc.assert(
      fc.property(
        meshSeedArb.chain((seed) => fc.tuple(fc.constant(seed), fc.nat(), fc.array(requestArb(seed), { minLength: 1, maxLength: 8 }))),
        ([seed, pick, requests]) => {
          const allowIndexes = seed.policies.flatMap((p, i) => (p.action === 'ALLOW' && !p.dryRun ? [i] : []));
          if (allowIndexes.length === 0) return;
          const removed = allowIndexes[pick % allowIndexes.length] as number;
          const smaller: MeshSeed = { ...seed, policies: seed.policies.filter((_, i) => i !== removed) };
          const beforeMesh = compileMesh(buildMesh(seed));
          const afterMesh = compileMesh(buildMesh(smaller));
          for (const r of requests) {
            const target = afterMesh.workloads.get(`${r.to.namespace}/${r.to.workload ?? ''}`);
            if (target === undefined) continue;
            const remaining = target.dataplane === 'ambient' ? afterMesh.ztunnelPolicies(target).allow.length : afterMesh.envoyPolicies(target).allowEnforced.length;
            if (remaining === 0) continue;
            const before = evaluateRequest(beforeMesh, r, { trace: false });
            const after = evaluateRequest(afterMesh, r, { trace: false });
            if (after.decision === 'ALLOW') expect(before.decision).toBe('ALLOW');
            if (after.decision === 'CONDITIONAL') expect(before.decision).toBe('CONDITIONAL');
          }
        },
      ),
      RUNS,
    );
  });

  it('adding an allow-all ALLOW policy in the root namespace never denies a request that was allowed', () => {
    fc.assert(
      fc.property(meshAndRequestsArb, ({ seed, requests }) => {
        const before = decide(seed, requests);
        const after = decide(withPolicy(seed, { namespace: 'istio-system', action: 'ALLOW', spec: { rules: [{}] }, dryRun: false }), requests);
        after.forEach((d, i) => {
          if (before[i]?.decision === 'ALLOW') expect(d.decision).toBe('ALLOW');
        });
      }),
      RUNS,
    );
  });

  it('mesh-wide STRICT mTLS never lets a plaintext client reach a sidecar', () => {
    fc.assert(
      fc.property(meshAndRequestsArb, ({ seed, requests }) => {
        const strict: MeshSeed = { ...seed, peerAuthentications: [{ namespace: 'istio-system', spec: { mtls: { mode: 'STRICT' } }, ts: '2000-01-01T00:00:00Z' }] };
        const compiled = compileMesh(buildMesh(strict));
        for (const r of requests) {
          const target = compiled.workloads.get(`${r.to.namespace}/${r.to.workload ?? ''}`);
          if (target === undefined || target.dataplane === 'none') continue;
          const d = evaluateRequest(compiled, { ...r, from: { plaintext: true } });
          expect(d.decision).toBe('DENY');
          expect(d.reasons[0]?.action).toBe('MTLS');
        }
      }),
      RUNS,
    );
  });
});
