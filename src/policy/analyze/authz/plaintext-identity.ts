// authz.PlaintextIdentity (GIC107; Kiali KIA0105): identity fields (principals, namespaces,
// serviceAccounts, trustDomains and their not*, when keys source.principal / namespace / serviceAccount
// / trustDomain, connection.sni) on a workload port that accepts plaintext (PeerAuthentication
// PERMISSIVE or DISABLE, or a gateway, which external clients reach without mesh mTLS). Plaintext
// callers have no identity: positive fields never match them, negative ones always do. Each finding
// reports what its witness proves, at the level of the harm (docs/analyzers.md#gic107):
//   error    the callers the rule names connect without mTLS (DISABLE strips every identity; a named
//            workload outside the mesh has none), so an ALLOW rule never admits them or a DENY rule lets
//            them through; or an ALLOW rule with only not* identity fields admits every plaintext caller
//            (ISTIO-SECURITY-2021-004);
//   warning  a DENY rule that a caller skipping mTLS slips past; an ALLOW rule on a gateway that denies
//            the external (plaintext) clients that fit the rest of it;
//   info     an ALLOW rule that denies plaintext callers the rule does not name anyway (the usual intent
//            under the default PERMISSIVE mode).
// (A DENY with only not* fields is the recommended way to reject plaintext and is not flagged.) No
// witness, no finding: a layer that already rejects plaintext (STRICT on the port, a DENY
// notPrincipals ["*"]) leaves nothing to report. The first MAX_EXAMINED plaintext ports are judged.
import type { AccessRequest } from '../../evaluate/access-request.js';
import type { Rule } from '../../resources/authorization-policy.js';
import type { AuthorizationPolicy, Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import type { AnalysisContext } from '../context.js';
import type { Witness } from '../finding.js';
import type { Level } from '../messages.js';
import { type FieldUse, fieldUses, isDryRun, usesIdentity } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { portsInScope, witnessOptions, workloadName } from './support.js';

function isGateway(w: Workload): boolean {
  return !w.isWaypoint && (w.gatewayName !== undefined || /gateway$/.test(w.labels['istio'] ?? ''));
}

interface Judgement {
  readonly level: Level;
  readonly effect: string;
  readonly fix: string;
  readonly witness: Witness;
}

const FIX_REQUIRE_MTLS = 'require mTLS with a STRICT PeerAuthentication for the workload (or the port), or add a DENY rule with `notPrincipals: ["*"]` to reject plaintext';

/** `ns/sa` pairs (sa `*`: any) that a positive identity value names exactly; patterns name nobody here. */
function namedAccounts(uses: readonly FieldUse[], policyNamespace: string, trustDomains: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const principal = (v: string): void => {
    const m = /^([^/]+)\/ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(v);
    if (m !== null && (trustDomains.includes(m[1]!) || m[1] === 'cluster.local')) out.push([m[2]!, m[3]!]);
  };
  for (const u of uses) {
    for (const v of u.values) {
      if (v.includes('*')) continue;
      if (u.field === 'namespaces' || u.field === 'source.namespace') out.push([v, '*']);
      else if (u.field === 'principals' || u.field === 'source.principal') principal(v);
      else if (u.field === 'serviceAccounts' || u.field === 'source.serviceAccount') {
        const slash = v.indexOf('/');
        out.push(slash < 0 ? [policyNamespace, v] : [v.slice(0, slash), v.slice(slash + 1)]);
      }
    }
  }
  return out;
}

/** A workload outside the mesh (no proxy: no mTLS identity) that the rule's positive identity values name. */
function namedOutsideMesh(ctx: AnalysisContext, p: AuthorizationPolicy, positive: readonly FieldUse[]): Workload | undefined {
  for (const [ns, sa] of namedAccounts(positive, p.namespace, ctx.trustDomains)) {
    const w = ctx.workloadsIn(ns).find((x) => x.dataplane === 'none' && (sa === '*' || x.serviceAccount === sa));
    if (w !== undefined) return w;
  }
  return undefined;
}

function judge(ctx: AnalysisContext, p: AuthorizationPolicy, rule: Rule, w: Workload, port: number | undefined, mode: string, flagged: readonly FieldUse[], positive: readonly FieldUse[]): Judgement | undefined {
  const action = p.spec.action ?? 'ALLOW';
  const at = port === undefined ? {} : { port };
  const ignore = (f: string): boolean => flagged.some((u) => u.field === f);
  // 1. The callers the rule names reach the workload without mTLS: the rule fails its own purpose.
  if (positive.length > 0) {
    let named: { request: AccessRequest; who: string } | undefined;
    if (mode === 'DISABLE') named = { request: requestMatching(rule, witnessOptions(ctx, w, at)), who: 'a caller the rule names (DISABLE strips its mTLS identity)' };
    else {
      const outside = namedOutsideMesh(ctx, p, positive);
      if (outside !== undefined) {
        const base = requestMatching(rule, witnessOptions(ctx, w, { ...at, plaintext: true, ignore }));
        named = { request: { ...base, from: { plaintext: true, namespace: outside.namespace } }, who: `${workloadName(outside)}, which the rule names and which runs outside the mesh (no sidecar: plaintext, no identity)` };
      }
    }
    if (named !== undefined) {
      const allow = action === 'ALLOW';
      const witness = ctx.proof(named.request, allow ? 'DENY' : 'ALLOW', `${named.who}, is ${allow ? 'denied' : 'not denied'}`);
      if (witness !== undefined) {
        return {
          level: 'error',
          witness,
          effect: allow ? 'The callers this rule names connect without mTLS identity, so the rule never matches them and they are denied' : 'The callers this DENY rule names connect without mTLS identity, so the rule never matches them and they get through',
          fix: mode === 'DISABLE' ? 'set the port to PERMISSIVE or STRICT mTLS (DISABLE removes every caller identity), or match callers by ipBlocks instead' : `add the caller to the mesh (sidecar injection or ambient) so it connects with mTLS, or match it by ipBlocks instead of identity${allow ? '' : '; to reject plaintext altogether add a DENY rule with `notPrincipals: ["*"]`'}`,
        };
      }
    }
  }
  // 2. An anonymous plaintext caller that fits the rest of the rule.
  const request = requestMatching(rule, witnessOptions(ctx, w, { ...at, plaintext: true, ignore }));
  if (action === 'ALLOW' && positive.length === 0) {
    const witness = ctx.proof(request, 'ALLOW', 'a plaintext caller is allowed by the not* identity rule');
    return witness === undefined
      ? undefined
      : {
          level: 'error',
          witness,
          effect: 'Plaintext callers have no identity, so the not* fields always match them and they are allowed, the excluded ones included (ISTIO-SECURITY-2021-004)',
          fix: 'add `namespaces: ["*"]` (or principals: ["*"]) to the source so only mTLS callers match, or require STRICT mTLS with a PeerAuthentication',
        };
  }
  if (action === 'ALLOW') {
    const gateway = isGateway(w);
    const witness = ctx.proof(request, 'DENY', gateway ? 'an external (plaintext) client that fits the rest of the rule is denied' : 'a plaintext caller that fits the rest of the rule is denied');
    return witness === undefined
      ? undefined
      : {
          level: gateway ? 'warning' : 'info',
          witness,
          effect: gateway
            ? 'Clients from outside the mesh reach the gateway without mesh mTLS: they have no identity, so this rule never matches them and they are denied'
            : 'Plaintext callers (clients outside the mesh) have no identity, so this rule never matches them and they are denied; mesh callers use mTLS and are matched as intended',
          fix: gateway ? 'match external clients by remoteIpBlocks or request.auth claims (JWT) instead of mTLS identity' : 'nothing, if only mesh callers should reach the workload; to make that explicit, require STRICT mTLS with a PeerAuthentication',
        };
  }
  const witness = ctx.proof(request, 'ALLOW', 'a plaintext caller that fits the rest of the rule is not denied');
  return witness === undefined
    ? undefined
    : {
        level: 'warning',
        witness,
        effect: 'Plaintext callers have no identity, so this DENY rule never matches them: a caller that skips mTLS (a pod without a sidecar) slips past it',
        fix: FIX_REQUIRE_MTLS,
      };
}

/**
 * At most this many (workload, port) pairs that accept plaintext are judged per rule, in snapshot order
 * (one finding per rule is reported): a root-namespace rule reaches every workload of the mesh, and its
 * analysis must not evaluate requests in, and so depend on, every namespace.
 */
const MAX_EXAMINED = 4;

export const plaintextIdentity = defineAnalyzer({
  metadata: {
    name: 'authz.PlaintextIdentity',
    description: 'mTLS identity fields on workloads that accept plaintext',
    inputs: ['AuthorizationPolicy', 'Workload'],
    codes: ['GIC107'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    // A dry-run policy is not enforced: what a plaintext caller gets is not its doing.
    if ((action !== 'ALLOW' && action !== 'DENY') || isDryRun(p.annotations)) return;
    let workloads: readonly Workload[] | undefined;
    (p.spec.rules ?? []).forEach((rule, r) => {
      const identity = fieldUses(rule, r).filter(usesIdentity);
      if (identity.length === 0) return;
      const positive = identity.filter((u) => !u.negative);
      if (action === 'DENY' && positive.length === 0) return;
      const flagged = action === 'ALLOW' && positive.length === 0 ? identity : positive;
      workloads ??= ctx.workloadsOf(p).filter((w) => !w.isWaypoint);
      let examined = 0;
      for (const w of workloads) {
        const ports = portsInScope(ctx, rule, w);
        for (const port of ports.length === 0 ? [undefined] : ports) {
          const mode = isGateway(w) ? 'gateway (external clients use no mesh mTLS)' : ctx.mtlsFor(w, port).mode;
          if (mode === 'STRICT') continue;
          if (++examined > MAX_EXAMINED) return;
          const judgement = judge(ctx, p, rule, w, port, mode, flagged, positive);
          if (judgement === undefined) continue;
          ctx.report('GIC107', {
            target: p,
            field: flagged[0]?.path ?? `spec.rules[${r}]`,
            args: { action, rule: r, fields: [...new Set(flagged.map((u) => u.field))].join(', '), workload: workloadName(w), mode, port: port ?? 'any' },
            effect: judgement.effect,
            fix: judgement.fix,
            level: judgement.level,
            witness: judgement.witness,
          });
          return;
        }
      }
    });
  },
});
