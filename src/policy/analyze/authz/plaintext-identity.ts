// authz.PlaintextIdentity (GIC107; Kiali KIA0105): identity fields (principals, namespaces,
// serviceAccounts, trustDomains and their not*, when keys source.principal / namespace / serviceAccount
// / trustDomain, connection.sni) on a workload port that accepts plaintext (PeerAuthentication
// PERMISSIVE or DISABLE, or a gateway, which external clients reach without mesh mTLS). Plaintext
// callers have no identity: positive fields never match them, negative ones always do. So an ALLOW rule
// with positive fields denies them; a DENY rule with positive fields lets them through; an ALLOW rule
// with only not* identity fields lets them in. (A DENY with only not* fields is the recommended way to
// reject plaintext and is not flagged.) The witness is the plaintext caller.
import type { Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import { fieldUses, usesIdentity } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { portsInScope, witnessOptions, workloadName } from './support.js';

function isGateway(w: Workload): boolean {
  return !w.isWaypoint && (w.gatewayName !== undefined || /gateway$/.test(w.labels['istio'] ?? ''));
}

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
    if (action !== 'ALLOW' && action !== 'DENY') return;
    const workloads = ctx.workloadsOf(p).filter((w) => !w.isWaypoint);
    (p.spec.rules ?? []).forEach((rule, r) => {
      const identity = fieldUses(rule, r).filter(usesIdentity);
      if (identity.length === 0) return;
      const positive = identity.filter((u) => !u.negative);
      if (action === 'DENY' && positive.length === 0) return;
      const flagged = action === 'ALLOW' && positive.length === 0 ? identity : positive;
      for (const w of workloads) {
        const ports = portsInScope(ctx, rule, w);
        let found: { port: number | undefined; mode: string } | undefined;
        for (const port of ports.length === 0 ? [undefined] : ports) {
          const mode = isGateway(w) ? 'gateway (external clients use no mesh mTLS)' : ctx.mtlsFor(w, port).mode;
          if (mode !== 'STRICT') {
            found = { port, mode };
            break;
          }
        }
        if (found === undefined) continue;
        const fields = [...new Set(flagged.map((u) => u.field))].join(', ');
        const opts = witnessOptions(ctx, w, { plaintext: true, ...(found.port === undefined ? {} : { port: found.port }), ignore: (f) => flagged.some((u) => u.field === f) });
        const request = requestMatching(rule, opts);
        let effect: string;
        let witness;
        if (action === 'ALLOW' && positive.length > 0) {
          effect = 'Plaintext callers have no identity, so this rule never matches them and they are denied (403 / connection reset)';
          witness = ctx.witness(request, 'DENY', 'a plaintext caller that fits the rest of the rule is denied');
        } else if (action === 'ALLOW') {
          effect = 'Plaintext callers have no identity, so the not* fields always match them and they are allowed (ISTIO-SECURITY-2021-004)';
          witness = ctx.witness(request, 'ALLOW', 'a plaintext caller is allowed by the not* identity rule');
        } else {
          effect = 'Plaintext callers have no identity, so this DENY rule never matches them and they slip past it';
          witness = ctx.witness(request, 'ALLOW', 'a plaintext caller that fits the rest of the rule is not denied');
        }
        ctx.report('GIC107', {
          target: p,
          field: flagged[0]?.path ?? `spec.rules[${r}]`,
          args: { action, rule: r, fields, workload: workloadName(w), mode: found.mode, port: found.port ?? 'any' },
          effect,
          fix:
            action === 'ALLOW' && positive.length === 0
              ? 'add `namespaces: ["*"]` (or principals: ["*"]) to the source so only mTLS callers match, or require STRICT mTLS with a PeerAuthentication'
              : 'require mTLS with a STRICT PeerAuthentication for the workload, or add a DENY rule with `notPrincipals: ["*"]` to reject plaintext',
          ...(witness === undefined ? {} : { witness }),
        });
        break;
      }
    });
  },
});
