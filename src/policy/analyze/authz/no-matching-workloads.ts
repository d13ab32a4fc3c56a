// authz.NoMatchingWorkloads (GIC103; istioctl IST0127, Kiali KIA0004): a policy that applies to no
// in-mesh workload: a selector matching none (in its namespace, or anywhere for the root namespace), a
// namespace-wide policy in a namespace without in-mesh workloads, a targetRef to a missing target.
// Root-namespace policies without selector are mesh-wide and never flagged (as istioctl).
import type { Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import { targetRefsOf } from '../mesh-index.js';

function labelsMatch(selector: Readonly<Record<string, string>>, w: Workload): boolean {
  for (const k in selector) if (w.labels[k] !== selector[k]) return false;
  return true;
}

export const noMatchingWorkloads = defineAnalyzer({
  metadata: {
    name: 'authz.NoMatchingWorkloads',
    description: 'AuthorizationPolicies that apply to no in-mesh workload, or whose targetRef names a missing target',
    inputs: ['AuthorizationPolicy', 'Workload'],
    codes: ['GIC103'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const ref = `AuthorizationPolicy ${p.namespace}/${p.name}`;
    const refs = targetRefsOf(p.spec);
    if (refs.length > 0) {
      const field = p.spec.targetRefs !== undefined && p.spec.targetRefs.length > 0 ? 'spec.targetRefs' : 'spec.targetRef';
      refs.forEach((t, i) => {
        const group = t.group ?? '';
        let missing: string | undefined;
        if (group === 'gateway.networking.k8s.io' && t.kind === 'Gateway' && ctx.gateway(p.namespace, t.name) === undefined) missing = `Gateway ${p.namespace}/${t.name} does not exist`;
        else if ((group === '' || group === 'core') && t.kind === 'Service' && !ctx.servicesIn(p.namespace).some((s) => s.name === t.name)) missing = `Service ${p.namespace}/${t.name} does not exist`;
        else if (t.kind === 'GatewayClass' && (t.name !== 'istio-waypoint' || p.namespace !== ctx.rootNamespace)) missing = t.name !== 'istio-waypoint' ? `only GatewayClass istio-waypoint has an effect, not ${t.name}` : `a GatewayClass targetRef only works in the root namespace ${ctx.rootNamespace}`;
        if (missing === undefined) return;
        const path = field === 'spec.targetRefs' ? `spec.targetRefs[${i}]` : field;
        ctx.report('GIC103', {
          target: p,
          field: path,
          args: { ref, why: `its targetRef names a missing target: ${missing}` },
          effect: 'Nothing enforces the policy',
          fix: 'point targetRefs at an existing Gateway (or, for waypoints, Service / ServiceEntry / GatewayClass istio-waypoint) in the same namespace',
        });
      });
      return;
    }
    const selector = p.spec.selector === undefined ? undefined : (p.spec.selector.matchLabels ?? {});
    const root = p.namespace === ctx.rootNamespace;
    if (root && (selector === undefined || Object.keys(selector).length === 0)) return;
    const candidates = root ? ctx.allWorkloads() : ctx.workloadsIn(p.namespace);
    const inMesh = candidates.filter((w) => w.dataplane !== 'none');
    if (inMesh.some((w) => selector === undefined || labelsMatch(selector, w))) return;
    const outside = candidates.filter((w) => w.dataplane === 'none' && (selector === undefined || labelsMatch(selector, w)));
    const scope = root ? 'in any namespace' : `in namespace ${p.namespace}`;
    const why =
      selector === undefined
        ? `namespace ${p.namespace} has no in-mesh workload`
        : `selector ${JSON.stringify(selector)} matches no in-mesh workload ${scope}${outside.length > 0 ? ` (${outside.map((w) => w.name).slice(0, 3).join(', ')} match but have no sidecar and are not in ambient mode)` : ''}`;
    ctx.report('GIC103', {
      target: p,
      field: selector === undefined ? 'metadata.namespace' : 'spec.selector.matchLabels',
      args: { ref, why },
      effect: 'The policy has no effect: no proxy enforces it',
      fix: selector === undefined ? 'create the policy in the namespace of the workloads it is meant for, or enrol that namespace in the mesh' : 'fix the labels to match the pod template labels of the intended workload (check for typos such as app vs app.kubernetes.io/name), or enrol the workload in the mesh',
    });
  },
});
