// peerauthn.ConflictingPeerAuthentications (GIC201; Kiali KIA0002, KIA0003): several selector-less
// PeerAuthentications in one namespace, or several selecting the same workload: only the oldest
// (creationTimestamp, then name) takes effect. Reported on each one that does not.
import type { PeerAuthentication, Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';

function hasSelector(p: PeerAuthentication): boolean {
  return Object.keys(p.spec.selector?.matchLabels ?? {}).length > 0;
}

function selects(p: PeerAuthentication, w: Workload): boolean {
  for (const [k, v] of Object.entries(p.spec.selector?.matchLabels ?? {})) if (w.labels[k] !== v) return false;
  return true;
}

export const conflictingPeerAuthentications = defineAnalyzer({
  metadata: {
    name: 'peerauthn.ConflictingPeerAuthentications',
    description: 'several namespace-wide PeerAuthentications in a namespace, or several selecting one workload',
    inputs: ['PeerAuthentication'],
    codes: ['GIC201'],
    subject: 'PeerAuthentication',
  },
  analyze(ctx, p) {
    const peers = ctx.peerAuthenticationsIn(p.namespace); // oldest first
    if (!hasSelector(p)) {
      const first = peers.find((x) => !hasSelector(x));
      if (first === undefined || first === p) return;
      ctx.report('GIC201', {
        target: p,
        field: 'metadata.name',
        args: { ref: `PeerAuthentication ${p.namespace}/${p.name}`, why: `is a second ${p.namespace === ctx.rootNamespace ? 'mesh-wide' : 'namespace-wide'} PeerAuthentication in ${p.namespace}; ${first.namespace}/${first.name} is older` },
        effect: `istiod uses only the oldest one (${first.name}); this one is ignored`,
        fix: 'keep one selector-less PeerAuthentication per namespace: merge the settings and delete the others',
      });
      return;
    }
    if (p.namespace === ctx.rootNamespace) return;
    for (const w of ctx.workloadsIn(p.namespace)) {
      if (!selects(p, w)) continue;
      const first = peers.find((x) => hasSelector(x) && selects(x, w));
      if (first === undefined || first === p) continue;
      ctx.report('GIC201', {
        target: p,
        field: 'spec.selector',
        args: { ref: `PeerAuthentication ${p.namespace}/${p.name}`, why: `selects ${w.kind} ${w.namespace}/${w.name}, which the older ${first.namespace}/${first.name} selects too` },
        effect: `istiod applies only the oldest one (${first.name}) to the workload`,
        fix: 'make the selectors disjoint, or merge the two policies',
      });
      return;
    }
  },
});
