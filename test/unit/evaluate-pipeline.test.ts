// The evaluation pipeline (src/policy/evaluate/evaluate-request.ts and stages/): each stage has a hot
// form that decides and a traced form that only describes the hot outcome, so on random meshes and
// requests (test/arbitraries) the decision with a trace must equal the one without (decision, protocol,
// provider, reasons), and the trace must name the stage and rule that decided. Requests are widened
// here beyond the snapshot's workloads (ad-hoc sidecar and ambient targets, gateways, Gateway-API
// waypoints, unknown workloads, addresses), and the run measures which stage decided, so that a
// generator that drifts to trivial cases fails instead of passing vacuously. Since both forms share
// each stage's rule scan, that scan (flattened across policies, specialized to the destination port,
// skipped by rule guards) is checked against a plain policy-by-policy walk of the compiled rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import { callerIdentity, resolveTarget } from '../../src/policy/evaluate/addressing.js';
import { buildAttributes } from '../../src/policy/evaluate/build-attributes.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import type { Decision } from '../../src/policy/evaluate/decision.js';
import { firstMatch } from '../../src/policy/evaluate/envoy-rules.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { portRecordFor } from '../../src/policy/evaluate/port-records.js';
import { evalPred } from '../../src/policy/evaluate/predicate.js';
import type { CompiledAuthorizationPolicy } from '../../src/policy/evaluate/proxy-policies.js';
import type { RequestAttributes } from '../../src/policy/evaluate/request-attributes.js';
import { requestSegments, requestWord, valueAt } from '../../src/policy/evaluate/rule-guard.js';
import { firstAllow } from '../../src/policy/evaluate/stages/allow.js';
import { firstCustom } from '../../src/policy/evaluate/stages/custom.js';
import { firstDeny } from '../../src/policy/evaluate/stages/deny.js';
import { jwtOutcome, withJwt } from '../../src/policy/evaluate/stages/jwt.js';
import { ztunnelMatch } from '../../src/policy/evaluate/stages/ztunnel.js';
import { ROUTE } from '../../src/policy/evaluate/target-port-record.js';
import { buildMesh, meshSeedArb, requestArb, WAYPOINT } from '../arbitraries/mesh-and-requests.js';

const outcome = (d: Decision): Omit<Decision, 'trace'> => ({ decision: d.decision, protocol: d.protocol, reasons: d.reasons, ...(d.provider === undefined ? {} : { provider: d.provider }) });

const TARGETS = ['snapshot', 'ad-hoc sidecar', 'ad-hoc ambient', 'ambient by its Service', 'classic gateway', 'Gateway-API waypoint', 'waypoint by label', 'unknown workload'] as const;
type TargetKind = (typeof TARGETS)[number];

/** `r` sent to another kind of target in the same namespace (same port, protocol, caller and attributes). */
function retarget(r: AccessRequest, kind: TargetKind, app: string): AccessRequest {
  const { namespace, port, protocol } = r.to;
  const keep = { ...(port === undefined ? {} : { port }), ...(protocol === undefined ? {} : { protocol }) };
  switch (kind) {
    case 'snapshot':
      return r;
    case 'ad-hoc sidecar':
      return { ...r, to: { namespace, labels: { app }, ...keep } };
    case 'ad-hoc ambient':
      return { ...r, to: { namespace, labels: { app, 'istio.io/dataplane-mode': 'ambient' }, serviceAccount: 'sa1', ...keep } };
    case 'ambient by its Service': {
      // An ambient pod of `bar` addressed by its Service name from a mesh caller: the waypoint path when `bar` has one.
      const from = r.from !== undefined && !('plaintext' in r.from) ? r.from : { principal: 'cluster.local/ns/foo/sa/sa1' };
      return { ...r, from, host: `${app}.bar:8080`, to: { namespace: 'bar', labels: { app, 'istio.io/dataplane-mode': 'ambient' }, ...keep } };
    }
    case 'classic gateway':
      return { ...r, to: { namespace, labels: { istio: 'ingressgateway' }, ...keep } };
    case 'Gateway-API waypoint':
      return { ...r, to: { namespace: 'bar', workload: WAYPOINT, ...keep } };
    case 'waypoint by label':
      return { ...r, to: { namespace: 'bar', labels: { 'gateway.networking.k8s.io/gateway-name': WAYPOINT }, ...keep } };
    case 'unknown workload':
      return { ...r, to: { namespace, workload: 'unknown', ...keep } };
  }
}

const scenarioArb = meshSeedArb.chain((seed) =>
  fc.tuple(
    fc.constant(seed),
    fc.array(
      fc.record({
        request: requestArb(seed),
        kind: fc.oneof({ weight: 4, arbitrary: fc.constant<TargetKind>('snapshot') }, { weight: 3, arbitrary: fc.constantFrom<TargetKind>(...TARGETS) }),
        app: fc.constantFrom('a', 'b', 'c'),
        remoteIp: fc.option(fc.constantFrom('203.0.113.9', '10.1.2.3'), { nil: undefined }),
        destinationIp: fc.option(fc.constantFrom('10.96.0.1', '2001:db8::2'), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 10 },
    ),
  ),
);

/** Which stage decided, read from the reasons (and the trace for the paths reasons do not show). */
function decidedBy(d: Decision): string {
  const first = d.reasons[0];
  if (d.trace.some((l) => l.startsWith('the target is not in the mesh'))) return 'no proxy';
  if (first === undefined) return 'allowed: no ALLOW layer';
  if (first.action === 'MTLS') return 'mTLS';
  if (first.action === 'JWT') return 'JWT';
  if (first.action === 'CUSTOM') return d.decision === 'DENY' ? 'CUSTOM deny' : 'CUSTOM provider';
  const ztunnel = d.reasons.some((x) => x.message.includes('ztunnel'));
  if (d.decision === 'DENY' && first.action === 'DENY') return first.rule === undefined ? 'rejected request' : ztunnel ? 'ztunnel DENY' : 'DENY rule';
  if (d.decision === 'DENY') return ztunnel ? 'ztunnel default deny' : 'default deny';
  return ztunnel && d.reasons.length === 1 ? 'ztunnel ALLOW' : 'ALLOW rule';
}

/** The trace line that reports the reason `d` gives, when a rule or a policy decided. */
function expectedLine(d: Decision): RegExp | undefined {
  const first = d.reasons[0];
  if (first === undefined) return undefined;
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const p = esc(first.policy);
  switch (decidedBy(d)) {
    case 'DENY rule':
      return new RegExp(`^DENY: ${p} rule ${first.rule} matches`);
    case 'ztunnel DENY':
      return new RegExp(`^ztunnel DENY: ${p} rule ${first.rule} matches`);
    case 'ztunnel ALLOW':
      return new RegExp(`^ztunnel ALLOW: ${p} rule ${first.rule} matches`);
    case 'CUSTOM deny':
      return new RegExp(`^CUSTOM: ${p}-deny-due-to-bad-CUSTOM-action rule ${first.rule} matches`);
    case 'CUSTOM provider':
      return new RegExp(`^CUSTOM: ${p} rule ${first.rule} matches: provider ${esc(d.provider ?? '')} is called`);
    case 'default deny':
      return /^ALLOW: .* and none matches: default deny/;
    case 'ztunnel default deny':
      return /^ztunnel ALLOW: .* and none matches: connection rejected/;
    case 'JWT':
      return new RegExp(`^JWT: ${esc(first.message)}$`);
    default:
      return undefined;
  }
}

describe('evaluation pipeline: hot and traced forms', () => {
  it('decide alike on random meshes and requests, and the trace names the stage and rule that decided', () => {
    const decided = new Map<string, number>();
    const targets = new Map<string, number>();
    let total = 0;
    fc.assert(
      fc.property(scenarioArb, ([seed, cases]) => {
        const compiled = compileMesh(buildMesh(seed));
        for (const { request, kind, app, remoteIp, destinationIp } of cases) {
          const r: AccessRequest = { ...retarget(request, kind, app), ...(remoteIp === undefined ? {} : { remoteIp }), ...(destinationIp === undefined ? {} : { destinationIp }) };
          const hot = evaluateRequest(compiled, r, { trace: false });
          const traced = evaluateRequest(compiled, r);
          expect(outcome(hot), JSON.stringify(r)).toEqual(outcome(traced));
          expect(hot.trace).toEqual([]);
          const line = expectedLine(traced);
          if (line !== undefined) expect(traced.trace.some((l) => line.test(l)), `${line.source} in ${JSON.stringify(traced.trace)}`).toBe(true);
          const stage = decidedBy(traced);
          decided.set(stage, (decided.get(stage) ?? 0) + 1);
          const route = traced.trace.some((l) => l.startsWith('addressing:')) ? 'through a waypoint' : kind;
          targets.set(route, (targets.get(route) ?? 0) + 1);
          total++;
        }
      }),
      { numRuns: 400 },
    );
    // The generators reach every stage and every kind of target, each in a fair share of the requests
    // (about 2,000; the rarest, ztunnel's default deny and the waypoint path, near 1% each).
    expect(total).toBeGreaterThan(1000);
    const share = (n: number | undefined): number => (n ?? 0) / total;
    for (const stage of ['mTLS', 'CUSTOM deny', 'CUSTOM provider', 'JWT', 'DENY rule', 'ALLOW rule', 'default deny', 'allowed: no ALLOW layer', 'ztunnel DENY', 'ztunnel ALLOW', 'ztunnel default deny', 'no proxy']) {
      expect(share(decided.get(stage)), `share of decisions by ${stage} (${JSON.stringify([...decided])})`).toBeGreaterThan(0.003);
    }
    for (const kind of [...TARGETS, 'through a waypoint']) {
      expect(share(targets.get(kind)), `share of requests to ${kind} (${JSON.stringify([...targets])})`).toBeGreaterThan(0.003);
    }
  });

  it('scan the flattened, port-specialized, guarded rules of each stage to the rule a policy-by-policy walk finds', () => {
    /** The first policy (in order) with a matching rule, and that rule: how the stages were specified. */
    const walk = (policies: readonly CompiledAuthorizationPolicy[], match: (c: CompiledAuthorizationPolicy) => number): string => {
      for (const c of policies) {
        const i = match(c);
        if (i >= 0) return `${c.ref} rule ${i}`;
      }
      return 'none';
    };
    const envoyRule = (http: boolean, a: RequestAttributes) => (c: CompiledAuthorizationPolicy): number => firstMatch(http ? c.http : c.tcp, a);
    const ztunnelRule = (a: RequestAttributes) => (c: CompiledAuthorizationPolicy): number => c.ztunnel?.rules.find((r) => evalPred(r.match, a))?.index ?? -1;
    const scanned = (owners: readonly CompiledAuthorizationPolicy[], rules: Parameters<typeof valueAt>[0], i: number): string => (i < 0 ? 'none' : `${owners[i]?.ref} rule ${(valueAt(rules, i) as { rule?: number }).rule}`);
    let matched = 0;
    let compared = 0;
    fc.assert(
      fc.property(scenarioArb, ([seed, cases]) => {
        const compiled = compileMesh(buildMesh(seed));
        for (const { request, kind, app, remoteIp, destinationIp } of cases) {
          const r: AccessRequest = { ...retarget(request, kind, app), ...(remoteIp === undefined ? {} : { remoteIp }), ...(destinationIp === undefined ? {} : { destinationIp }) };
          const target = resolveTarget(compiled, r, undefined);
          const rec = portRecordFor(compiled, target, r);
          const peer = callerIdentity(compiled, r);
          if (rec.route === ROUTE.ENVOY && rec.chain !== undefined) {
            const chain = rec.chain;
            const { http, policies } = chain;
            const a = buildAttributes(compiled, r, rec.protocol, peer, true).attrs;
            const custom = chain.custom.kind === 'deny' ? policies.custom.filter((c) => !c.dryRun) : chain.custom.kind === 'provider' ? policies.custom : [];
            const c = scanned(chain.owners, chain.rules, firstCustom(chain, a));
            expect(c, `CUSTOM ${JSON.stringify(r)}`).toBe(walk(custom, envoyRule(http, a)));
            const after = withJwt(a, jwtOutcome(http, policies.jwtRules, r.jwt));
            const w0 = requestWord(after);
            const w1 = requestSegments(after);
            const d = scanned(chain.owners, chain.rules, firstDeny(chain, after, w0, w1));
            expect(d, `DENY ${JSON.stringify(r)}`).toBe(walk(policies.deny.filter((x) => !x.dryRun), envoyRule(http, after)));
            const m = scanned(chain.owners, chain.rules, firstAllow(chain, after, w0, w1));
            expect(m, `ALLOW ${JSON.stringify(r)}`).toBe(walk(policies.allowEnforced, envoyRule(http, after)));
            compared += 3;
            matched += [c, d, m].filter((x) => x !== 'none').length;
          } else if (rec.route === ROUTE.AMBIENT && rec.ztunnel !== undefined) {
            const z = rec.ztunnel;
            const a = buildAttributes(compiled, r, 'tcp', peer, true).attrs;
            const denied = walk(z.policies.deny, ztunnelRule(a));
            const expected = denied !== 'none' ? denied : walk(z.policies.allow, ztunnelRule(a));
            const got = scanned(z.owners, z.rules, ztunnelMatch(z, a));
            expect(got, `ztunnel ${JSON.stringify(r)}`).toBe(expected);
            compared += 1;
            if (got !== 'none') matched += 1;
          }
        }
      }),
      { numRuns: 400 },
    );
    // Matches are common enough for the comparison to mean something.
    expect(matched / compared).toBeGreaterThan(0.1);
  });
});
