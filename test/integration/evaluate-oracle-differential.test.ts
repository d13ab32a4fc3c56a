// The evaluation differential: every conformance vector (test/fixtures/istio/evaluate) and random
// meshes and requests (test/arbitraries) through gic's `evaluateRequest` and through the Istio oracle's
// `evaluate` mode (Istio's own filter-chain translation at the pinned version, run by an Envoy RBAC
// model: test/peers/istio-oracle/go/evaluate.go). Routing is stated once more from cli.md
// (test/peers/istio-oracle/oracle-route.ts); what the oracle does not model (ztunnel, workloads
// outside the mesh, some paths) is counted and listed, never compared.
//
// Compared: the decision, the filter chain (gic's protocol http/grpc vs tcp), the CUSTOM provider,
// and the deciding rule: a DENY, CUSTOM or ALLOW reason of gic must name a rule the oracle's deciding
// RBAC engine matches; a default deny names no rule; mTLS and JWT refusals name their layer.
// Under CI=true the random part uses the fixed seed (test/support/fast-check-setup.ts);
// GIC_EVAL_SEED and GIC_EVAL_MESHES reproduce or widen a run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { type AccessRequest, AccessRequestSchema } from '../../src/policy/evaluate/access-request.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import type { Decision } from '../../src/policy/evaluate/decision.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { parseMesh } from '../../src/policy/parse/parse-mesh.js';
import { meshTextAndRequestsArb } from '../arbitraries/mesh-manifests.js';
import { type OracleEvalCase, type OracleEvalResult, oracleEvaluate, policyOfRuleId } from '../peers/istio-oracle/oracle-client.js';
import { type OracleRoute, routeToOracle } from '../peers/istio-oracle/oracle-route.js';
import { startIstioOracle } from '../peers/istio-oracle/start-istio-oracle.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { FIXED_CI_SEED } from '../support/fast-check-setup.js';

const peer = await startPeerOrSkip('istio-oracle', startIstioOracle);
afterAll(async () => peer?.stop());

const FIXTURES = join(import.meta.dirname, '../fixtures/istio/evaluate');
const SEED = Number(process.env['GIC_EVAL_SEED'] ?? (process.env['CI'] === 'true' ? FIXED_CI_SEED : Date.now() % 2_147_483_647));
const MESHES = Number(process.env['GIC_EVAL_MESHES'] ?? '400');

/** One request of one mesh, with both answers. */
interface Compared {
  readonly label: string;
  readonly text: string;
  readonly request: AccessRequest;
  readonly gic: Decision;
  readonly route: OracleRoute;
  oracle?: OracleEvalResult;
}

interface MeshCase {
  readonly label: string;
  readonly text: string;
  readonly requests: readonly AccessRequest[];
}

function conformanceCases(): MeshCase[] {
  const out: MeshCase[] = [];
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).sort()) {
    const fixture = parse(readFileSync(join(FIXTURES, file), 'utf8')) as { base?: string; cases: { note: string; resources: string; requests: { request: unknown }[] }[] };
    for (const c of fixture.cases) {
      const text = [fixture.base ?? '', c.resources].filter((t) => t.trim() !== '').join('\n---\n');
      out.push({ label: `${file} / ${c.note}`, text, requests: c.requests.map((r) => AccessRequestSchema.parse(r.request)) });
    }
  }
  return out;
}

function decideBoth(cases: readonly MeshCase[]): { compared: Compared[]; oracleCases: OracleEvalCase[]; slots: Compared[][] } {
  const compared: Compared[] = [];
  const oracleCases: OracleEvalCase[] = [];
  const slots: Compared[][] = [];
  for (const c of cases) {
    const { mesh } = parseMesh([{ file: `${c.label}.yaml`, text: c.text }]);
    const compiled = compileMesh(mesh);
    const asked: Compared[] = [];
    c.requests.forEach((request, i) => {
      const entry: Compared = { label: `${c.label} / request ${i}`, text: c.text, request, gic: evaluateRequest(compiled, request), route: routeToOracle(mesh, request) };
      compared.push(entry);
      if (entry.route.kind === 'compare') asked.push(entry);
    });
    if (asked.length === 0) continue;
    oracleCases.push({ resources: c.text, requests: asked.map((e) => (e.route as Extract<OracleRoute, { kind: 'compare' }>).request) });
    slots.push(asked);
  }
  return { compared, oracleCases, slots };
}

async function askOracle(command: readonly string[], run: ReturnType<typeof decideBoth>): Promise<void> {
  const BATCH = 200;
  for (let start = 0; start < run.oracleCases.length; start += BATCH) {
    const answers = await oracleEvaluate(command, run.oracleCases.slice(start, start + BATCH));
    answers.forEach((results, i) => results.forEach((r, j) => (((run.slots[start + i] as Compared[])[j] as Compared).oracle = r)));
  }
}

/** Why gic's answer disagrees with the oracle's, or undefined when it agrees. */
function disagreement(c: Compared): string | undefined {
  const o = c.oracle;
  if (o === undefined || c.route.kind !== 'compare') return undefined;
  if (o.unmodeled !== undefined) return undefined;
  const g = c.gic;
  if (c.route.scope === 'waypoint-refusal' && (o.decision === 'ALLOW' || o.decision === 'CONDITIONAL')) return undefined;
  if (g.decision !== o.decision) return `decision: gic ${g.decision}, Istio ${o.decision ?? '?'} (stage ${o.stage ?? '?'}${o.policy ? `, ${o.policy}` : ''})`;
  const gicChain = g.protocol === 'tcp' ? 'tcp' : 'http';
  if (c.route.scope === 'full' && gicChain !== o.protocol) return `filter chain: gic ${g.protocol}, Istio ${o.protocol ?? '?'}`;
  if (o.decision === 'CONDITIONAL' && g.provider !== o.provider) return `provider: gic ${g.provider ?? '-'}, Istio ${o.provider ?? '-'}`;
  const matching = new Set((o.matching ?? []).flatMap((id) => {
    const r = policyOfRuleId(id);
    return r === undefined ? [] : [`${r.policy}#${r.rule}`];
  }));
  const named = (action: string) => g.reasons.filter((r) => r.action === action && r.rule !== undefined).map((r) => `${r.policy}#${r.rule ?? ''}`);
  switch (o.stage) {
    case 'mtls':
      return g.reasons.some((r) => r.action === 'MTLS') ? undefined : `reason: Istio refuses at mTLS, gic says ${JSON.stringify(g.reasons)}`;
    case 'jwt':
      return g.reasons.some((r) => r.action === 'JWT') ? undefined : `reason: Istio answers 401, gic says ${JSON.stringify(g.reasons)}`;
    case 'custom':
    case 'deny': {
      const action = o.stage === 'custom' ? 'CUSTOM' : 'DENY';
      const n = named(action);
      return n.length > 0 && n.every((r) => matching.has(r)) ? undefined : `reason: gic names ${JSON.stringify(n)}, Istio's ${action} rules that match: ${JSON.stringify([...matching])}`;
    }
    case 'allow': {
      const n = named('ALLOW');
      if (o.decision === 'DENY') return n.length === 0 ? undefined : `reason: Istio default-denies, gic names ALLOW rules ${JSON.stringify(n)}`;
      return n.length === 1 && matching.has(n[0] as string) ? undefined : `reason: gic names ${JSON.stringify(n)}, Istio's ALLOW rules that match: ${JSON.stringify([...matching])}`;
    }
    case 'none':
      return named('ALLOW').length === 0 ? undefined : `reason: no ALLOW layer at Istio, gic names ${JSON.stringify(named('ALLOW'))}`;
    default:
      return undefined;
  }
}

/** Shares of what the compared requests exercise, so that a generator drifting to trivial cases fails. */
function coverage(run: ReturnType<typeof decideBoth>): Record<string, number> {
  const compared = run.compared.filter((c) => c.route.kind === 'compare' && c.oracle?.decision !== undefined);
  const n = compared.length || 1;
  const share = (p: (c: Compared) => boolean) => Math.round((compared.filter(p).length / n) * 1000) / 1000;
  const req = (c: Compared) => (c.route as Extract<OracleRoute, { kind: 'compare' }>).request;
  return {
    compared: compared.length,
    ALLOW: share((c) => c.oracle?.decision === 'ALLOW'),
    DENY: share((c) => c.oracle?.decision === 'DENY'),
    UNAUTHENTICATED: share((c) => c.oracle?.decision === 'UNAUTHENTICATED'),
    CONDITIONAL: share((c) => c.oracle?.decision === 'CONDITIONAL'),
    'stage deny': share((c) => c.oracle?.stage === 'deny'),
    'stage allow (rule matched)': share((c) => c.oracle?.stage === 'allow' && c.oracle.decision !== 'DENY'),
    'stage allow (default deny)': share((c) => c.oracle?.stage === 'allow' && c.oracle.decision === 'DENY'),
    'stage custom (bad provider)': share((c) => c.oracle?.stage === 'custom'),
    'stage mtls': share((c) => c.oracle?.stage === 'mtls'),
    'tcp chain': share((c) => c.oracle?.protocol === 'tcp'),
    gateway: share((c) => req(c).proxy.kind === 'gateway'),
    waypoint: share((c) => req(c).proxy.kind === 'waypoint'),
    'ad-hoc or unknown target': share((c) => c.request.to.labels !== undefined || c.request.to.workload === 'ghost'),
    'with a token': share((c) => c.request.jwt !== undefined),
    'remote/destination address': share((c) => c.request.remoteIp !== undefined || c.request.destinationIp !== undefined),
  };
}

function report(what: string, run: ReturnType<typeof decideBoth>): string[] {
  const compared = run.compared.filter((c) => c.route.kind === 'compare' && c.oracle !== undefined && c.oracle.unmodeled === undefined && !(c.route.scope === 'waypoint-refusal' && (c.oracle.decision === 'ALLOW' || c.oracle.decision === 'CONDITIONAL')));
  const skipped = new Map<string, number>();
  const note = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  for (const c of run.compared) {
    if (c.route.kind === 'skip') note(c.route.reason);
    else if (c.oracle?.unmodeled !== undefined) note(c.oracle.unmodeled.join('; '));
    else if (c.route.scope === 'waypoint-refusal' && c.oracle !== undefined && !compared.includes(c)) note('ambient through a waypoint that allows: ztunnel (L4) decides, which the oracle does not model');
  }
  const wrong = compared.flatMap((c) => {
    const why = disagreement(c);
    return why === undefined ? [] : [`${c.label}: ${why}\n  request: ${JSON.stringify(c.request)}\n  gic: ${c.gic.decision} ${JSON.stringify(c.gic.reasons.map((r) => r.message))}\n  oracle: ${JSON.stringify(c.oracle)}`];
  });
  console.info(`[oracle differential] ${what}: ${run.compared.length} requests, ${compared.length} compared with Istio, ${wrong.length} disagreements`);
  for (const [reason, n] of [...skipped].sort((a, b) => b[1] - a[1])) console.info(`  not compared (${n}): ${reason}`);
  if (wrong.length > 0) console.info(wrong.slice(0, 40).join('\n\n'));
  return wrong;
}

describe.skipIf(!peer)('evaluation differential: evaluateRequest vs Istio (oracle evaluate)', () => {
  const command = peer?.info.command ?? [];

  it('agrees with Istio on every conformance vector', async () => {
    const run = decideBoth(conformanceCases());
    await askOracle(command, run);
    const wrong = report('conformance vectors', run);
    console.info(`[oracle differential] coverage of the compared vectors: ${JSON.stringify(coverage(run))}`);
    expect(run.compared.filter((c) => c.oracle?.decision !== undefined).length).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
    // The comparison can fail: any other decision in gic's place is a disagreement.
    const flipped = run.compared.filter((c) => c.oracle?.decision !== undefined && c.route.kind === 'compare' && c.route.scope === 'full');
    for (const c of flipped) {
      const other = c.gic.decision === 'DENY' ? 'ALLOW' : 'DENY';
      expect(disagreement({ ...c, gic: { ...c.gic, decision: other } }), c.label).toBeDefined();
    }
  });

  it(`agrees with Istio on ${MESHES} random meshes (seed ${SEED})`, async () => {
    const cases = fc.sample(meshTextAndRequestsArb, { numRuns: MESHES, seed: SEED }).map((c, i) => ({ label: `random mesh ${i} (seed ${SEED})`, text: c.text, requests: c.requests }));
    const run = decideBoth(cases);
    await askOracle(command, run);
    const wrong = report(`random meshes (seed ${SEED})`, run);
    const cov = coverage(run);
    console.info(`[oracle differential] coverage of the compared requests: ${JSON.stringify(cov)}`);
    // The generator must keep meeting every layer: a drift to trivial meshes fails here.
    expect(cov['compared']).toBeGreaterThan(MESHES * 2);
    for (const key of ['ALLOW', 'DENY', 'stage deny', 'tcp chain', 'gateway', 'ad-hoc or unknown target']) expect(cov[key], key).toBeGreaterThan(0.08);
    for (const key of ['stage allow (rule matched)', 'stage allow (default deny)']) expect(cov[key], key).toBeGreaterThan(0.04);
    for (const key of ['UNAUTHENTICATED', 'CONDITIONAL', 'stage custom (bad provider)', 'stage mtls', 'waypoint']) expect(cov[key], key).toBeGreaterThan(0.015);
    for (const key of ['with a token', 'remote/destination address']) expect(cov[key], key).toBeGreaterThan(0.2);
    expect(wrong).toEqual([]);
  });
});
