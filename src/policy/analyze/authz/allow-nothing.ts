// authz.AllowNothing (GIC112, info): an ALLOW policy without rules. It counts as an ALLOW policy but
// matches nothing, so every request to its workloads is denied unless another ALLOW policy allows it:
// the documented "allow-nothing" default-deny pattern, reported so that it is never a surprise.
import { defineAnalyzer } from '../analyzer.js';
import { isDryRun } from '../rule-facts.js';

export const allowNothing = defineAnalyzer({
  metadata: {
    name: 'authz.AllowNothing',
    description: 'ALLOW policies with no rules (default deny)',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC112'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    if ((p.spec.action ?? 'ALLOW') !== 'ALLOW' || (p.spec.rules ?? []).length > 0 || isDryRun(p.annotations)) return;
    const w = ctx.workloadsOf(p)[0];
    const witness =
      w === undefined
        ? undefined
        : ctx.witness(
            { to: { namespace: w.namespace, workload: w.name, ...(w.containerPorts[0] === undefined ? {} : { port: w.containerPorts[0].port }) }, from: { principal: `${ctx.trustDomains[0]}/ns/${w.namespace}/sa/${w.serviceAccount}` }, method: 'GET', path: '/' },
            'DENY',
            'a request that no other ALLOW policy allows is denied',
          );
    ctx.report('GIC112', {
      target: p,
      field: p.spec.rules === undefined ? 'spec' : 'spec.rules',
      args: { ref: `${p.namespace}/${p.name}` },
      effect: 'Requests are allowed only where another ALLOW policy allows them',
      fix: 'intended as default deny: add ALLOW policies for the traffic that must pass; otherwise add rules',
      ...(witness === undefined ? {} : { witness }),
    });
  },
});
