// authz.ProbesDenied (GIC123): an ALLOW policy on a sidecar workload whose health probes the sidecar does
// not rewrite (sidecar.istio.io/rewriteAppHTTPProbers: "false"): the kubelet then probes the app port in
// plaintext with no identity, and the policies deny it, so the pod never becomes Ready or restarts.
// Reported only when the plaintext probe request is actually denied by the ALLOW layer (the witness).
import { defineAnalyzer } from '../analyzer.js';
import { isDryRun } from '../rule-facts.js';
import { workloadName } from './support.js';

export const probesDenied = defineAnalyzer({
  metadata: {
    name: 'authz.ProbesDenied',
    description: 'default-deny ALLOW policies on workloads whose health probes are not rewritten',
    inputs: ['AuthorizationPolicy', 'Workload'],
    codes: ['GIC123'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    if ((p.spec.action ?? 'ALLOW') !== 'ALLOW' || isDryRun(p.annotations)) return;
    for (const w of ctx.workloadsOf(p)) {
      if (w.dataplane !== 'sidecar') continue;
      const probe = w.probes.find((x) => !x.rewritten && typeof x.port === 'number');
      if (probe === undefined || typeof probe.port !== 'number') continue;
      const witness = ctx.witness(
        { to: { namespace: w.namespace, workload: w.name, port: probe.port }, from: { plaintext: true, ip: '10.0.0.1' }, method: 'GET', path: '/healthz' },
        'DENY',
        'the kubelet probe (plaintext, no identity) is denied by the ALLOW layer',
        (d) => d.reasons.some((x) => x.action === 'ALLOW'),
      );
      if (witness === undefined) continue;
      ctx.report('GIC123', {
        target: p,
        field: 'spec',
        args: { ref: `${p.namespace}/${p.name}`, workload: workloadName(w), port: probe.port },
        effect: 'The kubelet probes in plaintext without identity, the policy denies the probe, and the pod is marked unready or restarted',
        fix: 'remove the sidecar.istio.io/rewriteAppHTTPProbers: "false" annotation so the sidecar rewrites probes, or allow the probe port and path for plaintext callers',
        witness,
      });
      return;
    }
  },
});
