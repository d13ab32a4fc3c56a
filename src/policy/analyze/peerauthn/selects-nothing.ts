// peerauthn.SelectsNothing (GIC202; Kiali KIA0004): a PeerAuthentication selector that matches no
// workload of its namespace (root-namespace selectors are GIC204).
import { defineAnalyzer } from '../analyzer.js';

export const peerAuthenticationSelectsNothing = defineAnalyzer({
  metadata: {
    name: 'peerauthn.SelectsNothing',
    description: 'PeerAuthentication selectors that match no workload',
    inputs: ['PeerAuthentication', 'Workload'],
    codes: ['GIC202'],
    subject: 'PeerAuthentication',
  },
  analyze(ctx, p) {
    const selector = p.spec.selector?.matchLabels ?? {};
    if (Object.keys(selector).length === 0 || p.namespace === ctx.rootNamespace) return;
    if (ctx.workloadsIn(p.namespace).some((w) => Object.entries(selector).every(([k, v]) => w.labels[k] === v))) return;
    ctx.report('GIC202', {
      target: p,
      field: 'spec.selector.matchLabels',
      args: { ref: `PeerAuthentication ${p.namespace}/${p.name}`, selector: JSON.stringify(selector), namespace: p.namespace },
      effect: 'The mTLS mode it sets applies to nothing; the workloads it was meant for keep the namespace or mesh mode',
      fix: 'match the pod template labels of the intended workload',
    });
  },
});
