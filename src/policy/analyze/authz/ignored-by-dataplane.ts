// authz.IgnoredByDataplane (GIC117; istioctl IST0166, Kiali KIA0109 / KIA0110): a policy the data
// plane ignores or may ignore: targetRefs to a Service no waypoint serves (sidecars and ztunnel ignore
// targetRefs); a selector matching waypoint pods (waypoints ignore selectors); a selector matching a
// Gateway-API gateway's pods (applied only while istiod's ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY is
// on, its default; use targetRefs); L7 fields in a selector policy on ambient workloads, which ztunnel
// enforces at L4: ALLOW rules with L7 fields are dropped, DENY rules lose them (only-L7 DENY: no effect).
import type { Rule } from '../../resources/authorization-policy.js';
import type { Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import { targetRefsOf } from '../mesh-index.js';
import { fieldUses } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { witnessOptions, workloadName } from './support.js';

const L4_SOURCE = new Set(['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'ipBlocks', 'notIpBlocks']);
const L4_OPERATION = new Set(['ports', 'notPorts']);
const L4_WHEN = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);
const USE_WAYPOINT = 'istio.io/use-waypoint';

export function l7Fields(rule: Rule, r: number): ReturnType<typeof fieldUses> {
  return fieldUses(rule, r).filter((u) => (u.part === 'from' ? !L4_SOURCE.has(u.field) : u.part === 'to' ? !L4_OPERATION.has(u.field) : !L4_WHEN.has(u.field)));
}

function labelsMatch(selector: Readonly<Record<string, string>>, w: Workload): boolean {
  for (const k in selector) if (w.labels[k] !== selector[k]) return false;
  return true;
}

export const ignoredByDataplane = defineAnalyzer({
  metadata: {
    name: 'authz.IgnoredByDataplane',
    description: 'policies the data plane ignores: targetRefs without waypoint, selectors on waypoints or Gateway-API gateways, L7 rules left to ztunnel',
    inputs: ['AuthorizationPolicy', 'Workload'],
    codes: ['GIC117'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const ref = `AuthorizationPolicy ${p.namespace}/${p.name}`;
    const action = p.spec.action ?? 'ALLOW';
    const refs = targetRefsOf(p.spec);
    if (refs.length > 0) {
      refs.forEach((t, i) => {
        if (!((t.group ?? '') === '' || t.group === 'core') || t.kind !== 'Service') return;
        const svc = ctx.servicesIn(p.namespace).find((s) => s.name === t.name);
        if (svc === undefined) return;
        const waypoint = svc.labels[USE_WAYPOINT] ?? ctx.namespaceLabels(p.namespace)[USE_WAYPOINT];
        if (waypoint !== undefined && waypoint !== 'none') return;
        ctx.report('GIC117', {
          target: p,
          field: p.spec.targetRefs !== undefined && p.spec.targetRefs.length > 0 ? `spec.targetRefs[${i}]` : 'spec.targetRef',
          args: { ref, why: `targets Service ${p.namespace}/${t.name}, but no waypoint serves it (no ${USE_WAYPOINT} label on the Service or namespace)` },
          effect: 'Only waypoints enforce Service targetRefs; sidecars and ztunnel ignore the policy, so it has no effect',
          fix: `enrol the Service in a waypoint (label ${USE_WAYPOINT}), or use a selector for sidecar workloads`,
        });
      });
      return;
    }
    const selector = p.spec.selector?.matchLabels;
    const root = p.namespace === ctx.rootNamespace;
    const candidates = root ? ctx.allWorkloads() : ctx.workloadsIn(p.namespace);
    if (selector !== undefined && Object.keys(selector).length > 0) {
      const waypoint = candidates.find((w) => w.isWaypoint && labelsMatch(selector, w));
      if (waypoint !== undefined) {
        ctx.report('GIC117', {
          target: p,
          field: 'spec.selector',
          args: { ref, why: `selects waypoint ${workloadName(waypoint)}, and waypoints ignore selector-based policies` },
          effect: 'The waypoint does not enforce the policy',
          fix: `replace the selector with targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: ${waypoint.gatewayName ?? waypoint.name}}] (or the Service the waypoint serves)`,
        });
        return;
      }
      const gateway = candidates.find((w) => !w.isWaypoint && w.gatewayName !== undefined && w.namespace === p.namespace && labelsMatch(selector, w));
      if (gateway !== undefined) {
        ctx.report('GIC117', {
          target: p,
          field: 'spec.selector',
          args: { ref, why: `selects the pods of Gateway ${gateway.namespace}/${gateway.gatewayName}` },
          effect: "istiod applies selector policies to Gateway-API gateways only while ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY is on (the default); with it off the policy is ignored",
          fix: `use targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: ${gateway.gatewayName}}] instead of the selector`,
        });
        return;
      }
    }
    const ambient = ctx.workloadsOf(p).filter((w) => w.dataplane === 'ambient' && !w.isWaypoint);
    if (ambient.length === 0 || (action !== 'ALLOW' && action !== 'DENY')) return;
    (p.spec.rules ?? []).forEach((rule, r) => {
      const l7 = l7Fields(rule, r);
      if (l7.length === 0) return;
      const w = ambient[0]!;
      const request = requestMatching(rule, witnessOptions(ctx, w));
      const witness =
        action === 'ALLOW'
          ? ctx.witness(request, 'DENY', 'ztunnel drops the ALLOW rule, so a request that fits it is rejected')
          : ctx.witness(request, 'ALLOW', 'ztunnel ignores the L7 fields of the DENY rule, so a request that fits it is not denied');
      ctx.report('GIC117', {
        target: p,
        field: l7[0]!.path,
        args: { ref, why: `rule ${r} uses L7 fields (${[...new Set(l7.map((u) => u.field))].join(', ')}) on ambient workload ${workloadName(w)}, where ztunnel (L4) enforces selector policies` },
        effect: action === 'ALLOW' ? 'ztunnel drops the whole ALLOW rule, so the traffic it was meant to allow is rejected' : 'ztunnel drops the L7 fields of the DENY rule; a rule left without L4 fields has no effect',
        fix: `deploy a waypoint for ${w.namespace} (istioctl waypoint apply, label ${USE_WAYPOINT}) and attach the policy to it with targetRefs; keep only L4 fields in selector policies`,
        ...(witness === undefined ? {} : { witness }),
      });
    });
  },
});
