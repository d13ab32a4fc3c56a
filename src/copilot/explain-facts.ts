// The facts `explain` stands on, all computed by the engine: for a request, the decision with its
// reasons and trace; for a policy, its attachment, rules and the workloads it reaches; for a workload,
// its dataplane, Services, mTLS mode, token checks and the policies that decide for it. Each fact
// names its policy and `file:line` where one exists; analyzer findings come with their witnesses. The
// model only rephrases these; ground-prose.ts checks that it did not add anything.
import type { ReportedFinding } from '../policy/analyze/analyze-report.js';
import { relevantPolicies, servicesOf, waypointPaths } from '../policy/diff/target-proxies.js';
import type { AccessRequest } from '../policy/evaluate/access-request.js';
import type { CompiledMesh, ProxyTarget } from '../policy/evaluate/compile-mesh.js';
import type { Decision } from '../policy/evaluate/decision.js';
import { evaluateRequest } from '../policy/evaluate/evaluate-request.js';
import { mtlsForPort } from '../policy/evaluate/mtls-mode.js';
import type { AuthorizationPolicy, Mesh, Workload } from '../policy/resources/mesh.js';
import { describeAttachment, describeRule, policySource } from './describe-rule.js';

export type FactKind = 'decision' | 'reason' | 'trace' | 'workload' | 'service' | 'policy' | 'rule' | 'attachment' | 'mtls' | 'jwt' | 'finding';

export interface Fact {
  readonly kind: FactKind;
  readonly text: string;
  /** `namespace/name` of the policy the fact is about. */
  readonly policy?: string;
  /** `file:line` in the mesh sources. */
  readonly source?: string;
  readonly finding?: ReportedFinding;
}

export interface FactSet {
  readonly facts: Fact[];
  /** Policies (ns/name) the facts concern: their findings are reported. */
  readonly policies: Set<string>;
  /** Workloads (ns/name) the facts concern. */
  readonly workloads: Set<string>;
  readonly decision?: Decision;
}

const MAX_TRACE = 24;
const MAX_ATTACHED = 20;

function policyByRef(mesh: Mesh): Map<string, AuthorizationPolicy> {
  return new Map(mesh.authorizationPolicies.map((p) => [`${p.namespace}/${p.name}`, p]));
}

function ruleSource(p: AuthorizationPolicy, rule: number | undefined): string {
  return rule === undefined ? policySource(p) : `${p.source.file}:${p.lineOf(`spec.rules[${rule}]`)}`;
}

function workloadFact(compiled: CompiledMesh, t: ProxyTarget, w: Workload | undefined): Fact[] {
  const facts: Fact[] = [];
  const ports = w?.containerPorts.map((p) => `${p.port}${p.name !== undefined ? ` (${p.name})` : ''}`).join(', ');
  const kind = t.isWaypoint ? 'waypoint' : t.isGateway ? 'gateway' : t.dataplane === 'none' ? 'not in the mesh' : t.dataplane;
  facts.push({
    kind: 'workload',
    text: `workload ${t.namespace}/${t.name}: ${kind}, service account ${t.serviceAccount}${ports !== undefined && ports !== '' ? `, ports ${ports}` : ''}`,
    ...(w !== undefined ? { source: `${w.source.file}:${w.source.line}` } : {}),
  });
  for (const s of servicesOf(compiled, t)) {
    const ports = s.ports.map((p) => `${p.port}->${p.targetPort ?? p.port}${p.name !== undefined ? ` (${p.name})` : ''}`).join(', ');
    facts.push({ kind: 'service', text: `Service ${s.namespace}/${s.name} selects it: ports ${ports}`, source: `${s.source.file}:${s.source.line}` });
  }
  return facts;
}

function mtlsFacts(compiled: CompiledMesh, t: ProxyTarget, port: number | undefined): Fact[] {
  if (t.isGateway || t.dataplane === 'none') return [];
  const m = mtlsForPort(compiled.peerAuthentication(t), port);
  return [{ kind: 'mtls', text: `mTLS mode ${m.mode}${port !== undefined ? ` on port ${port}` : ''}, set ${m.policy !== undefined ? `by PeerAuthentication ${m.policy} (${m.level} level)` : 'by default (no PeerAuthentication)'}`, ...(m.policy !== undefined ? { policy: m.policy } : {}) }];
}

function attachedPolicyFacts(compiled: CompiledMesh, t: ProxyTarget, out: FactSet): void {
  const policies = relevantPolicies(compiled, t);
  const seen = new Set<string>();
  for (const p of policies) {
    const ref = `${p.namespace}/${p.name}`;
    if (seen.has(ref)) continue;
    seen.add(ref);
    out.policies.add(ref);
    const dryRun = p.annotations['istio.io/dry-run'] === 'true' ? ' (dry-run: not enforced)' : '';
    out.facts.push({ kind: 'policy', text: `${p.spec.action ?? 'ALLOW'} policy ${ref} applies${dryRun}, ${(p.spec.rules ?? []).length} rule(s)`, policy: ref, source: policySource(p) });
  }
  if (policies.length === 0) out.facts.push({ kind: 'policy', text: `no AuthorizationPolicy applies to ${t.namespace}/${t.name}: every request that passes mTLS and token checks is allowed` });
  if (!(t.dataplane === 'none' && !t.isGateway)) {
    // Ambient: ztunnel reads no token; the waypoints in front of the workload do.
    const ras = t.dataplane === 'ambient' && !t.isWaypoint ? [...new Set(waypointPaths(compiled, t).flatMap((w) => w.policies.requestAuthentications))] : compiled.envoyPolicies(t).requestAuthentications;
    const where = t.dataplane === 'ambient' && !t.isWaypoint ? ' at its waypoint' : '';
    out.facts.push({ kind: 'jwt', text: ras.length > 0 ? `tokens are checked${where} by RequestAuthentication ${ras.join(', ')}` : `no RequestAuthentication applies${where}: requests carry no verified token claims` });
  }
}

/** Facts for one request: decision, reasons with policy sources, the trace, and the target. */
export function requestFacts(compiled: CompiledMesh, request: AccessRequest): FactSet {
  const decision = evaluateRequest(compiled, request);
  const byRef = policyByRef(compiled.mesh);
  const out: FactSet = { facts: [], policies: new Set(), workloads: new Set(), decision };
  const to = request.to;
  out.facts.push({ kind: 'decision', text: `decision ${decision.decision} (protocol ${decision.protocol})${decision.provider !== undefined ? `, decided by the CUSTOM provider ${decision.provider}` : ''} for the request to ${to.namespace}/${to.workload ?? '(ad-hoc workload)'}${to.port !== undefined ? ` port ${to.port}` : ''}` });
  for (const r of decision.reasons) {
    const p = byRef.get(r.policy);
    if (p !== undefined) out.policies.add(r.policy);
    out.facts.push({
      kind: 'reason',
      text: `${r.action}${r.rule !== undefined ? ` rule ${r.rule}` : ''} of ${r.policy}: ${r.message}`,
      policy: r.policy,
      ...(p !== undefined ? { source: ruleSource(p, r.rule) } : {}),
    });
    if (p !== undefined && r.rule !== undefined) {
      const rule = p.spec.rules?.[r.rule];
      if (rule !== undefined) out.facts.push({ kind: 'rule', text: `rule ${r.rule} of ${r.policy}: ${describeRule(rule)}`, policy: r.policy, source: ruleSource(p, r.rule) });
    }
  }
  for (const step of decision.trace.slice(0, MAX_TRACE)) out.facts.push({ kind: 'trace', text: step });
  if (decision.trace.length > MAX_TRACE) out.facts.push({ kind: 'trace', text: `(${decision.trace.length - MAX_TRACE} more trace steps)` });
  if (to.workload !== undefined) {
    const t = compiled.workloadsByNamespace.get(to.namespace)?.get(to.workload);
    if (t !== undefined) {
      out.workloads.add(`${t.namespace}/${t.name}`);
      out.facts.push(...workloadFact(compiled, t, t.workload), ...mtlsFacts(compiled, t, to.port));
      for (const p of relevantPolicies(compiled, t)) out.policies.add(`${p.namespace}/${p.name}`);
    }
  }
  return out;
}

/** Facts for one policy: action, attachment, each rule, and the workloads it reaches. */
export function policyFacts(compiled: CompiledMesh, p: AuthorizationPolicy): FactSet {
  const ref = `${p.namespace}/${p.name}`;
  const out: FactSet = { facts: [], policies: new Set([ref]), workloads: new Set() };
  const dryRun = p.annotations['istio.io/dry-run'] === 'true' ? ' It is in dry-run mode: evaluated and logged, not enforced.' : '';
  const expires = p.annotations['policy.gic/expires'];
  out.facts.push({
    kind: 'policy',
    text: `${p.spec.action ?? 'ALLOW'} policy ${ref} with ${(p.spec.rules ?? []).length} rule(s)${p.spec.action === 'CUSTOM' ? `, provider ${p.spec.provider?.name ?? '(none)'}` : ''}.${dryRun}${expires !== undefined ? ` It expires at ${expires} (policy.gic/expires).` : ''}`,
    policy: ref,
    source: policySource(p),
  });
  out.facts.push({ kind: 'attachment', text: `it applies to ${describeAttachment(p, compiled.rootNamespace)}`, policy: ref, source: `${p.source.file}:${p.lineOf(p.spec.targetRefs !== undefined ? 'spec.targetRefs' : 'spec.selector')}` });
  (p.spec.rules ?? []).forEach((rule, i) => out.facts.push({ kind: 'rule', text: `rule ${i}: ${describeRule(rule)}`, policy: ref, source: ruleSource(p, i) }));
  if ((p.spec.rules ?? []).length === 0) out.facts.push({ kind: 'rule', text: p.spec.action === 'ALLOW' || p.spec.action === undefined ? 'no rules: it allows nothing, so it denies every request to the workloads it applies to' : 'no rules: it matches nothing', policy: ref });
  const reached: string[] = [];
  for (const t of compiled.workloads.values()) {
    if (relevantPolicies(compiled, t).includes(p)) reached.push(`${t.namespace}/${t.name}`);
  }
  for (const w of reached.slice(0, MAX_ATTACHED)) out.workloads.add(w);
  out.facts.push({
    kind: 'attachment',
    text: reached.length === 0 ? 'it reaches no workload of the mesh' : `it decides for ${reached.length} workload(s): ${reached.slice(0, MAX_ATTACHED).join(', ')}${reached.length > MAX_ATTACHED ? ', ...' : ''}`,
    policy: ref,
  });
  return out;
}

/** Facts for one workload: what it is, its Services, mTLS, token checks and the policies that decide. */
export function workloadFacts(compiled: CompiledMesh, t: ProxyTarget): FactSet {
  const out: FactSet = { facts: [], policies: new Set(), workloads: new Set([`${t.namespace}/${t.name}`]) };
  out.facts.push(...workloadFact(compiled, t, t.workload), ...mtlsFacts(compiled, t, undefined));
  attachedPolicyFacts(compiled, t, out);
  return out;
}

/** Findings as facts (with their witness requests in `finding`). */
export function findingFacts(findings: readonly ReportedFinding[]): Fact[] {
  return findings.map((f) => ({
    kind: 'finding' as const,
    text: `${f.code} (${f.level}) on ${f.resource === null ? 'the mesh' : `${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`}: ${f.message}`,
    ...(f.resource !== null && f.resource.kind === 'AuthorizationPolicy' ? { policy: `${f.resource.namespace}/${f.resource.name}` } : {}),
    source: f.source,
    finding: f,
  }));
}
