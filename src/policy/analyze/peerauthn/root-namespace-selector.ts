// peerauthn.RootNamespaceSelector (GIC204): a PeerAuthentication with a selector in the root namespace.
// istiod reads only the selector-less (mesh-wide) one there; a selector policy is ignored.
import { defineAnalyzer } from '../analyzer.js';

export const rootNamespaceSelector = defineAnalyzer({
  metadata: {
    name: 'peerauthn.RootNamespaceSelector',
    description: 'selector PeerAuthentications in the root namespace (ignored)',
    inputs: ['PeerAuthentication', 'MeshConfig'],
    codes: ['GIC204'],
    subject: 'PeerAuthentication',
  },
  analyze(ctx, p) {
    if (p.namespace !== ctx.rootNamespace || Object.keys(p.spec.selector?.matchLabels ?? {}).length === 0) return;
    ctx.report('GIC204', {
      target: p,
      field: 'spec.selector',
      args: { ref: `PeerAuthentication ${p.namespace}/${p.name}`, namespace: p.namespace },
      effect: 'The mode it sets applies to no workload',
      fix: 'move it to the namespace of the workloads it selects, or remove the selector to make it mesh-wide',
    });
  },
});
