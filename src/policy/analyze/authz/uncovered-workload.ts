// authz.UncoveredWorkload (GIC122, info; Kiali KIA1301): an in-mesh workload that no AuthorizationPolicy
// covers while other workloads of its namespace are covered: everything may reach it.
import { defineAnalyzer } from '../analyzer.js';

export const uncoveredWorkload = defineAnalyzer({
  metadata: {
    name: 'authz.UncoveredWorkload',
    description: 'workloads no AuthorizationPolicy covers while others of their namespace are covered',
    inputs: ['Workload', 'AuthorizationPolicy'],
    codes: ['GIC122'],
    subject: 'Workload',
  },
  analyze(ctx, w) {
    if (w.dataplane === 'none' || w.isWaypoint) return;
    const count = (x: typeof w): number => {
      const a = ctx.authorizationFor(x);
      return a.allow.length + a.deny.length + a.custom.length + a.audit.length;
    };
    if (count(w) > 0) return;
    const covered = ctx.workloadsIn(w.namespace).filter((x) => x !== w && x.dataplane !== 'none' && !x.isWaypoint && count(x) > 0);
    if (covered.length === 0) return;
    const witness = ctx.witness(
      { to: { namespace: w.namespace, workload: w.name, ...(w.containerPorts[0] === undefined ? {} : { port: w.containerPorts[0].port }) }, from: { principal: `${ctx.trustDomains[0]}/ns/gic-witness/sa/gic-witness` }, method: 'GET', path: '/' },
      'ALLOW',
      'a request from an arbitrary mesh identity is allowed',
    );
    ctx.report('GIC122', {
      target: w,
      field: 'metadata.name',
      args: { workload: `${w.kind} ${w.namespace}/${w.name}`, covered: `${covered.length} other workload${covered.length === 1 ? '' : 's'} (${covered.slice(0, 3).map((x) => x.name).join(', ')})`, namespace: w.namespace },
      effect: 'With no policy, every request that passes mTLS is allowed',
      fix: 'add an AuthorizationPolicy for it, or a namespace-wide default (e.g. allow-nothing) plus explicit ALLOW policies',
      ...(witness === undefined ? {} : { witness }),
    });
  },
});
