// requestauthn.SelectsNothing (GIC301; Kiali KIA0004): a RequestAuthentication whose selector matches
// no in-mesh workload (in its namespace, or anywhere from the root namespace), or whose targetRef names
// a Gateway that does not exist.
import { defineAnalyzer } from '../analyzer.js';
import { targetRefsOf } from '../mesh-index.js';

export const requestAuthenticationSelectsNothing = defineAnalyzer({
  metadata: {
    name: 'requestauthn.SelectsNothing',
    description: 'RequestAuthentication selectors or targetRefs that match no workload',
    inputs: ['RequestAuthentication', 'Workload'],
    codes: ['GIC301'],
    subject: 'RequestAuthentication',
  },
  analyze(ctx, ra) {
    const ref = `RequestAuthentication ${ra.namespace}/${ra.name}`;
    const refs = targetRefsOf(ra.spec);
    if (refs.length > 0) {
      refs.forEach((t, i) => {
        if (t.kind !== 'Gateway' || ctx.gateway(ra.namespace, t.name) !== undefined) return;
        ctx.report('GIC301', {
          target: ra,
          field: ra.spec.targetRefs !== undefined && ra.spec.targetRefs.length > 0 ? `spec.targetRefs[${i}]` : 'spec.targetRef',
          args: { ref, why: `targets Gateway ${ra.namespace}/${t.name}, which does not exist` },
          effect: 'No proxy validates tokens for it',
          fix: 'name an existing Gateway of the same namespace',
        });
      });
      return;
    }
    const selector = ra.spec.selector?.matchLabels ?? {};
    if (Object.keys(selector).length === 0) return;
    const candidates = ra.namespace === ctx.rootNamespace ? ctx.allWorkloads() : ctx.workloadsIn(ra.namespace);
    if (candidates.some((w) => w.dataplane !== 'none' && Object.entries(selector).every(([k, v]) => w.labels[k] === v))) return;
    ctx.report('GIC301', {
      target: ra,
      field: 'spec.selector.matchLabels',
      args: { ref, why: `selector ${JSON.stringify(selector)} matches no in-mesh workload${ra.namespace === ctx.rootNamespace ? '' : ` in namespace ${ra.namespace}`}` },
      effect: 'No proxy validates tokens for it, so policies that rely on it never see a request principal',
      fix: 'match the pod template labels of the intended workload',
    });
  },
});
