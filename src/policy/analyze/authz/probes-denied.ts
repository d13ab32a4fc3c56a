// authz.ProbesDenied (GIC123): a sidecar workload whose health probes the sidecar does not rewrite
// (sidecar.istio.io/rewriteAppHTTPProbers: "false"): the kubelet then probes the app port itself, from
// the node, in plaintext and without identity, and whatever rejects such a request (STRICT mTLS, a DENY
// rule, the default deny of ALLOW policies, a CUSTOM provider that is not configured) fails the probe:
// the pod never becomes Ready, or is restarted. Reported whenever the evaluator rejects the kubelet's
// request (the witness), on the object that rejects it (the PeerAuthentication or AuthorizationPolicy,
// else the workload). tcpSocket probes are not judged: the sidecar accepts every TCP connection itself,
// so they succeed whatever the policies say. Ambient workloads are not judged either: the kubelet's
// probes reach them outside the mesh.
import type { AccessRequest } from '../../evaluate/access-request.js';
import type { Decision, DecisionReason } from '../../evaluate/decision.js';
import type { MeshObject, Workload, WorkloadProbe } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import type { AnalysisContext } from '../context.js';
import { workloadName } from './support.js';

const REWRITE_ANNOTATION = 'sidecar.istio.io/rewriteAppHTTPProbers';
const EXCLUDE_INBOUND = 'traffic.sidecar.istio.io/excludeInboundPorts';

/** The request the kubelet sends for a probe (plaintext from the node, no identity). */
function probeRequest(w: Workload, probe: WorkloadProbe & { readonly port: number }): AccessRequest {
  const to = { namespace: w.namespace, workload: w.name, port: probe.port };
  if (probe.kind === 'grpc') return { to, from: { plaintext: true }, method: 'POST', path: '/grpc.health.v1.Health/Check' };
  // An HTTPS probe is TLS the sidecar cannot read as HTTP (and not Istio mTLS): a plaintext connection to it.
  if (probe.kind === 'https') return { to: { ...to, protocol: 'tcp' }, from: { plaintext: true } };
  return { to, from: { plaintext: true }, method: 'GET', path: probe.path ?? '/' };
}

function podAnnotationsPath(w: Workload): string {
  const template = w.kind === 'Pod' ? '' : w.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.' : 'spec.template.';
  return `${template}metadata.annotations["${REWRITE_ANNOTATION}"]`;
}

/** Who rejects the probe, in words, and the object to report on (with the field) when the snapshot has it. */
function rejecter(ctx: AnalysisContext, w: Workload, d: Decision): { layer: string; target: MeshObject; field: string } {
  const reason: DecisionReason | undefined = d.reasons[0];
  const fallback = { target: w as MeshObject, field: podAnnotationsPath(w) };
  if (reason === undefined) return { layer: 'the proxy', ...fallback };
  if (reason.action === 'MTLS') {
    const ref = reason.policy.replace(/^PeerAuthentication /, '');
    const [ns, name] = ref.split('/');
    const pa = ns === undefined ? undefined : ctx.peerAuthenticationsIn(ns).find((x) => x.name === name);
    return { layer: `STRICT mTLS (PeerAuthentication ${ref})`, ...(pa === undefined ? fallback : { target: pa, field: 'spec.mtls.mode' }) };
  }
  const [ns, name] = reason.policy.split('/');
  const policy = ns === undefined ? undefined : ctx.authorizationPoliciesIn(ns).find((x) => x.name === name);
  const field = reason.rule === undefined || reason.rule < 0 ? 'spec' : `spec.rules[${reason.rule}]`;
  const layer =
    reason.action === 'ALLOW'
      ? `the default deny of ALLOW ${d.reasons.length === 1 ? 'policy' : 'policies'} ${d.reasons.map((x) => x.policy).join(', ')} (no rule allows it)`
      : reason.action === 'DENY' && policy !== undefined
        ? `DENY policy ${reason.policy}${reason.rule === undefined ? '' : ` rule ${reason.rule}`}`
        : reason.action === 'CUSTOM'
          ? `CUSTOM policy ${reason.policy}`
          : reason.message;
  return { layer, ...(policy === undefined ? fallback : { target: policy, field }) };
}

export const probesDenied = defineAnalyzer({
  metadata: {
    name: 'authz.ProbesDenied',
    description: 'health probes that the sidecar does not rewrite and that mTLS or policies reject',
    inputs: ['Workload'],
    codes: ['GIC123'],
    subject: 'Workload',
  },
  analyze(ctx, w) {
    if (w.dataplane !== 'sidecar' || w.isWaypoint) return;
    const excluded = new Set((w.annotations[EXCLUDE_INBOUND] ?? '').split(',').map((x) => Number(x.trim())));
    for (const probe of w.probes) {
      if (probe.rewritten || typeof probe.port !== 'number' || probe.kind === undefined || probe.kind === 'tcp' || excluded.has(probe.port)) continue;
      const request = probeRequest(w, probe as WorkloadProbe & { readonly port: number });
      const decision = ctx.decide(request);
      if (decision.decision !== 'DENY') continue;
      const { layer, target, field } = rejecter(ctx, w, decision);
      ctx.report('GIC123', {
        target,
        field,
        args: { layer, probe: probe.kind, workload: workloadName(w), port: probe.port },
        effect: 'The kubelet probes without mesh identity, the probe fails, and the pod is marked unready or restarted',
        fix: `remove the ${REWRITE_ANNOTATION}: "false" annotation of ${workloadName(w)} so the sidecar rewrites its probes, or let the probe through (a PERMISSIVE port, a rule allowing plaintext requests to the probe path)`,
        witness: { request, decision: 'DENY', explanation: `the kubelet's ${probe.kind} probe (plaintext, no identity) is rejected by ${layer}` },
      });
      return;
    }
  },
});
