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
// AUDIT rules only change what is logged, never a decision: not reported.
import type { AccessRequest } from '../../evaluate/access-request.js';
import type { Decision, DecisionKind } from '../../evaluate/decision.js';
import type { Rule } from '../../resources/authorization-policy.js';
import type { AuthorizationPolicy, Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import type { AnalysisContext } from '../context.js';
import type { Witness } from '../finding.js';
import type { Level } from '../messages.js';
import { type FieldUse, fieldUses, isHttpOnly } from '../rule-facts.js';
import { asWrittenOnTcp, withoutHttpFields, withRule } from '../rule-on-tcp.js';
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

/** Index of the first entry with a positive HTTP-only value (the one a TCP connection cannot match as written). */
function httpEntry(http: readonly FieldUse[], part: 'from' | 'to'): number {
  return http.find((u) => u.part === part && !u.negative)?.entry ?? 0;
}

/** At most this many requests are tried per port: the rule's own witness, then the workload's ALLOW rules. */
const MAX_CANDIDATES = 6;

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
    if (ctx.deciderWithReplaced(w, p, withRule(p, r, meant))(request).decision !== 'ALLOW') return undefined;
    return {
      port,
      why,
      level: 'error',
      witness: { request, decision: 'DENY', explanation: `a TCP connection to port ${port} that the rule was meant to allow is denied (with the rule kept without its HTTP fields it is allowed)` },
      effect: 'On the TCP filter chain istiod drops the whole rule, so TCP connections it was meant to allow are denied',
    };
  }
  // DENY / CUSTOM: a connection the rule's remains match and the rule as written does not. Besides the
  // rule's own witness, try requests the workload's ALLOW rules admit (a DENY only matters for those).
  const stripped = withoutHttpFields(rule);
  const candidates = [requestMatching(stripped, witnessOptions(ctx, w, { ...tcp, fromEntry: httpEntry(http, 'from'), toEntry: httpEntry(http, 'to') }))];
  for (const allow of ctx.authorizationFor(w).allow) {
    (allow.spec.rules ?? []).forEach((allowRule, i) => {
      // ALLOW rules with HTTP-only fields are dropped on TCP: they admit no connection.
      if (candidates.length < MAX_CANDIDATES && !fieldUses(allowRule, i).some(isHttpOnly)) candidates.push(requestMatching(allowRule, witnessOptions(ctx, w, tcp)));
    });
  }
  let asWrittenDecider: ((request: AccessRequest) => Decision) | undefined;
  for (const request of candidates) {
    const actual = ctx.decide(request);
    if (!names(actual, ref)) continue;
    asWrittenDecider ??= ctx.deciderWithReplaced(w, p, withRule(p, r, written));
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
    if (action === 'AUDIT') return;
    // Gateways decide the protocol from their Gateway servers (TLS termination), not the Service port name.
    // Computed at the first rule with HTTP-only fields: most policies have none.
    let workloads: readonly Workload[] | undefined;
    (p.spec.rules ?? []).forEach((rule, r) => {
      const http = fieldUses(rule, r).filter(isHttpOnly);
      if (http.length === 0) return;
      workloads ??= ctx.workloadsOf(p).filter((w) => w.dataplane === 'sidecar' && w.gatewayName === undefined && !/gateway$/.test(w.labels['istio'] ?? ''));
      const named = rulePorts(rule);
      const readsTcp = action !== 'ALLOW' || asWrittenOnTcp(rule) !== undefined;
      for (const w of workloads) {
        if (ctx.tcpPortsOf(w).length === 0) continue;
        const scope = portsInScope(ctx, rule, w);
        const tcp = scope.filter((port) => ctx.protocolOf(w, port)?.protocol === 'tcp');
        if (tcp.length === 0) continue;
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
