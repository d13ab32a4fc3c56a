// authz.HttpFieldsOnTcp (GIC108): HTTP-only fields (hosts, methods, paths and their not*,
// requestPrincipals, when request.headers / request.auth.*) in a rule that applies to a port a Service
// declares TCP (port name or appProtocol). On a TCP filter chain istiod drops a whole ALLOW rule that
// has one, and drops only the fields from a DENY or CUSTOM rule. Reported only when a TCP connection to
// a port of the workload is decided otherwise because of it, proven with the evaluator on two meshes:
//   - ALLOW: a connection that the rule was meant to allow is denied. Meant: the rule names the port in
//     `ports`, or every port it applies to is TCP, or read as written (without the HTTP values a TCP
//     connection cannot have) it still matches TCP connections. The witness is denied on the mesh and
//     allowed when the rule keeps its other fields (so a separate `ports` rule for the TCP port, the
//     usual fix, leaves nothing to report, and neither does an HTTP rule on a workload with HTTP ports).
//   - DENY / CUSTOM: the rule, left with its other fields, matches a connection it would not match as
//     written; the witness is decided by it on the mesh and otherwise without it.
// AUDIT rules only change what is logged, never a decision: not reported. The first MAX_WORKLOADS
// workloads with a TCP port in the rule's scope are examined.
import type { AccessRequest } from '../../evaluate/access-request.js';
import type { Decision, DecisionKind } from '../../evaluate/decision.js';
import type { Rule } from '../../resources/authorization-policy.js';
import type { AuthorizationPolicy, Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import type { AnalysisContext } from '../context.js';
import type { Witness } from '../finding.js';
import type { Level } from '../messages.js';
import { type FieldUse, fieldUses, isDryRun, isHttpOnly } from '../rule-facts.js';
import { asWrittenOnTcp, entryAdmitsPort, mayApplyToPort, withoutHttpFields, withRule } from '../rule-on-tcp.js';
import { requestMatching } from '../witness.js';
import { portsInScope, rulePorts, witnessOptions, workloadName } from './support.js';

interface Proof {
  readonly port: number;
  readonly why: string;
  readonly witness: Witness;
  readonly level: Level;
  readonly effect: string;
}

function names(d: Decision, ref: string): boolean {
  return d.reasons.some((r) => r.policy === ref);
}

function outcome(d: DecisionKind): string {
  return d === 'ALLOW' ? 'allowed' : d === 'DENY' ? 'denied' : d === 'CONDITIONAL' ? 'sent to the ext-authz provider' : 'rejected as unauthenticated';
}

/** Index of the first `from` entry with a positive HTTP-only value (one a TCP connection cannot match as written). */
function httpFromEntry(http: readonly FieldUse[]): number {
  return http.find((u) => u.part === 'from' && !u.negative)?.entry ?? 0;
}

/** Index of a `to` entry that admits `port`, one with a positive HTTP-only value first. */
function httpToEntry(rule: Rule, http: readonly FieldUse[], port: number): number {
  const to = rule.to ?? [];
  const admits = (i: number): boolean => to[i] !== undefined && entryAdmitsPort(to[i], port);
  return http.find((u) => u.part === 'to' && !u.negative && admits(u.entry))?.entry ?? to.findIndex((_, i) => admits(i));
}

/**
 * The AuthorizationPolicies of `w` that can decide a TCP connection to `port`, with `p` replaced: AUDIT
 * policies, ALLOW rules with HTTP-only fields (istiod drops them on TCP) and rules for other ports are
 * left out, which decides such connections exactly as the whole mesh does and compiles in a fraction of
 * the time.
 */
function tcpPolicies(ctx: AnalysisContext, w: Workload, port: number, p: AuthorizationPolicy, replacement: AuthorizationPolicy): AuthorizationPolicy[] {
  const attached = ctx.authorizationFor(w);
  const out: AuthorizationPolicy[] = [];
  for (const q of [...attached.custom, ...attached.deny, ...attached.allow]) {
    const policy = q === p ? replacement : q;
    const allow = (policy.spec.action ?? 'ALLOW') === 'ALLOW';
    const all = policy.spec.rules ?? [];
    const rules = all.filter((rule, i) => mayApplyToPort(rule, port) && !(allow && fieldUses(rule, i).some(isHttpOnly)));
    out.push(rules.length === all.length ? policy : { ...policy, spec: { ...policy.spec, rules } });
  }
  return out;
}

/**
 * At most this many workloads with a TCP port in the rule's scope are examined per rule, in snapshot
 * order (one finding per rule is reported). A root-namespace rule reaches every workload of the mesh:
 * without a bound, its analysis would evaluate requests in, and so depend on, every namespace.
 */
const MAX_WORKLOADS = 4;

/** At most this many requests are tried per port: the rule's own witness, then the workload's ALLOW rules. */
const MAX_CANDIDATES = 3;

/** Proves, on one TCP port of one workload, that the dropped fields change a decision. */
function prove(ctx: AnalysisContext, p: AuthorizationPolicy, r: number, rule: Rule, http: readonly FieldUse[], w: Workload, port: number, why: string): Proof | undefined {
  const action = p.spec.action ?? 'ALLOW';
  const ref = `${p.namespace}/${p.name}`;
  const written = asWrittenOnTcp(rule);
  const tcp = { port, protocol: 'tcp' as const };
  if (action === 'ALLOW') {
    // What the rule means for this TCP port: as written when that still matches TCP, else without its HTTP fields.
    const meant = written ?? withoutHttpFields(rule);
    const request = requestMatching(meant, witnessOptions(ctx, w, tcp));
    const actual = ctx.decide(request);
    // Denied by another layer (mTLS, CUSTOM, DENY): keeping the rule would not change that.
    if (actual.decision !== 'DENY' || actual.reasons.some((x) => x.action !== 'ALLOW')) return undefined;
    // Denied by the ALLOW layer alone: the mesh with the rule kept allows it exactly when the policy with
    // the rule kept, alone, does (no other layer objected), which compiles in a fraction of the time.
    if (ctx.deciderWith(w, () => [withRule(p, r, meant)])(request).decision !== 'ALLOW') return undefined;
    return {
      port,
      why,
      level: 'error',
      witness: { request, decision: 'DENY', explanation: `a TCP connection to port ${port} that the rule was meant to allow is denied (with the rule kept without its HTTP fields it is allowed)` },
      effect: 'On the TCP filter chain istiod drops the whole rule, so TCP connections it was meant to allow are denied',
    };
  }
  // DENY / CUSTOM: a connection the rule's remains match and the rule as written does not, that would
  // otherwise be allowed. Only positive HTTP values make the two readings differ.
  if (http.every((u) => u.negative)) return undefined;
  const candidates: AccessRequest[] = [];
  const allowLayer = ctx.authorizationFor(w).allow.filter((a) => !isDryRun(a.annotations));
  const admitting = allowLayer.flatMap((a) => (a.spec.rules ?? []).filter((allowRule, i) => mayApplyToPort(allowRule, port) && !fieldUses(allowRule, i).some(isHttpOnly)));
  // An ALLOW layer that admits no TCP connection to the port denies them all anyway: a DENY changes nothing.
  if (action === 'DENY' && allowLayer.length > 0 && admitting.length === 0) return undefined;
  // The rule's own witness: enough where the ALLOW layer admits it (or there is none).
  candidates.push(requestMatching(withoutHttpFields(rule), witnessOptions(ctx, w, { ...tcp, fromEntry: httpFromEntry(http), toEntry: Math.max(0, httpToEntry(rule, http, port)) })));
  // With one, a DENY only changes what an ALLOW rule admits: requests of the ALLOW rules that can admit a
  // TCP connection to the port (none: the port is closed to TCP anyway, nothing changes).
  for (const allowRule of admitting.slice(0, MAX_CANDIDATES - 1)) candidates.push(requestMatching(allowRule, witnessOptions(ctx, w, tcp)));
  // The policy with the rule read as written, alone (cheap to compile): when it still decides a request,
  // so does the mesh with it, and the whole variant need not be compiled.
  const asWrittenPolicy = withRule(p, r, written);
  let aloneDecider: ((request: AccessRequest) => Decision) | undefined;
  let asWrittenDecider: ((request: AccessRequest) => Decision) | undefined;
  for (const request of candidates) {
    if (request.to.port !== port) continue;
    const actual = ctx.decide(request);
    // Decided by this rule (another rule of the policy would decide it as written too).
    if (!actual.reasons.some((x) => x.policy === ref && x.rule === r)) continue;
    aloneDecider ??= ctx.deciderWith(w, () => [asWrittenPolicy]);
    if (names(aloneDecider(request), ref)) continue;
    asWrittenDecider ??= ctx.deciderWith(w, () => tcpPolicies(ctx, w, port, p, asWrittenPolicy));
    const asWritten = asWrittenDecider(request);
    if (asWritten.decision === actual.decision) continue;
    const conditional = actual.decision === 'CONDITIONAL' || asWritten.decision === 'CONDITIONAL';
    return {
      port,
      why,
      level: conditional ? 'warning' : 'error',
      witness: { request, decision: actual.decision, explanation: `a TCP connection to port ${port} that fits the rest of the rule is ${outcome(actual.decision)} by it (read as written the rule would not match it, and it would be ${outcome(asWritten.decision)})` },
      effect: `On the TCP filter chain istiod drops only the HTTP fields, so the ${action} rule matches every TCP connection that fits the rest${actual.decision === 'DENY' ? ' and denies it' : actual.decision === 'CONDITIONAL' ? ' and sends it to its ext-authz provider' : ''}`,
    };
  }
  return undefined;
}

export const httpFieldsOnTcp = defineAnalyzer({
  metadata: {
    name: 'authz.HttpFieldsOnTcp',
    description: 'HTTP-only fields in rules that change decisions on TCP ports',
    inputs: ['AuthorizationPolicy', 'Workload', 'Service'],
    codes: ['GIC108'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    // AUDIT never decides; a dry-run policy is not enforced: dropped fields change no decision.
    if (action === 'AUDIT' || isDryRun(p.annotations)) return;
    // Gateways decide the protocol from their Gateway servers (TLS termination), not the Service port name.
    // Computed at the first rule with HTTP-only fields: most policies have none.
    let workloads: readonly Workload[] | undefined;
    (p.spec.rules ?? []).forEach((rule, r) => {
      const http = fieldUses(rule, r).filter(isHttpOnly);
      if (http.length === 0) return;
      workloads ??= ctx.workloadsOf(p).filter((w) => w.dataplane === 'sidecar' && w.gatewayName === undefined && !/gateway$/.test(w.labels['istio'] ?? ''));
      const named = rulePorts(rule);
      const readsTcp = action !== 'ALLOW' || asWrittenOnTcp(rule) !== undefined;
      let examined = 0;
      for (const w of workloads) {
        if (ctx.tcpPortsOf(w).length === 0) continue;
        const scope = portsInScope(ctx, rule, w);
        const tcp = scope.filter((port) => ctx.protocolOf(w, port)?.protocol === 'tcp');
        if (tcp.length === 0) continue;
        if (++examined > MAX_WORKLOADS) break;
        // An ALLOW rule with HTTP values, no `ports` and HTTP ports in scope is about those HTTP ports.
        const meant = action !== 'ALLOW' || readsTcp || named !== undefined || tcp.length === scope.length ? tcp : [];
        let proof: Proof | undefined;
        for (const port of meant) {
          const proto = ctx.protocolOf(w, port)!;
          proof = prove(ctx, p, r, rule, http, w, port, `Service ${proto.service.namespace}/${proto.service.name} ${proto.how}`);
          if (proof !== undefined) break;
        }
        if (proof === undefined) continue;
        const fields = [...new Set(http.map((u) => u.field))].join(', ');
        const httpPorts = scope.filter((port) => ctx.protocolOf(w, port)?.protocol !== 'tcp');
        ctx.report('GIC108', {
          target: p,
          field: http[0]?.path ?? `spec.rules[${r}]`,
          args: { action, rule: r, fields, workload: workloadName(w), port: proof.port, why: proof.why },
          effect: proof.effect,
          level: proof.level,
          fix:
            action === 'ALLOW'
              ? `add a rule without HTTP fields for the TCP port (\`ports: ["${proof.port}"]\` with the callers that need it), or declare the port as HTTP (name it http-*, or set appProtocol: http) if it carries HTTP`
              : `limit the rule to the HTTP ports with \`ports\`${httpPorts.length > 0 ? ` (${httpPorts.map((x) => `"${x}"`).join(', ')})` : ''}, or declare port ${proof.port} as HTTP (name it http-*, or set appProtocol: http) if it carries HTTP`,
          witness: proof.witness,
        });
        break;
      }
    });
  },
});
