// authz.ServicePortInsteadOfTargetPort (GIC118): a `ports` value that is a Service port of the selected
// workloads but not a port they receive on: AuthorizationPolicy matches the workload (target) port, so
// the value never matches (e.g. 80 instead of 8080). The witness is the request on the real port.
import { targetOfWorkload } from '../../evaluate/compile-mesh.js';
import { targetPortOf } from '../../evaluate/protocol-inference.js';
import { defineAnalyzer } from '../analyzer.js';
import { requestMatching } from '../witness.js';
import { witnessOptions } from './support.js';

export const servicePortInsteadOfTargetPort = defineAnalyzer({
  metadata: {
    name: 'authz.ServicePortInsteadOfTargetPort',
    description: 'ports that are Service ports rather than the workload ports policies match',
    inputs: ['AuthorizationPolicy', 'Workload', 'Service'],
    codes: ['GIC118'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    const workloads = ctx.workloadsOf(p);
    const targetsOf = (w: (typeof workloads)[number], port: number): (number | undefined)[] =>
      ctx.servicesFor(w).flatMap((s) => s.ports.filter((x) => x.port === port).map((sp) => targetPortOf(sp, targetOfWorkload(w, ctx.trustDomains[0] ?? 'cluster.local'))));
    (p.spec.rules ?? []).forEach((rule, r) => {
      (rule.to ?? []).forEach((t, i) => {
        for (const field of ['ports', 'notPorts'] as const) {
          (t.operation?.[field] ?? []).forEach((v, j) => {
            const port = Number(v);
            for (const w of workloads) {
              if (ctx.portsOf(w).includes(port)) return;
              for (const s of ctx.servicesFor(w)) {
                const sp = s.ports.find((x) => x.port === port);
                const target = sp === undefined ? undefined : targetPortOf(sp, targetOfWorkload(w, ctx.trustDomains[0] ?? 'cluster.local'));
                if (sp === undefined || target === undefined || target === port) continue;
                let witness;
                if (field === 'ports' && (action === 'ALLOW' || action === 'DENY')) {
                  const base = requestMatching(rule, witnessOptions(ctx, w, { toEntry: i }));
                  const request = { ...base, to: { ...base.to, port: target } };
                  witness = ctx.witness(request, action === 'ALLOW' ? 'DENY' : 'ALLOW', `a request on workload port ${target} (Service port ${port}) is not matched by the rule`);
                }
                const at = `spec.rules[${r}].to[${i}].operation.${field}[${j}]`;
                // Writing the workload port is mechanical only when every selected workload receives
                // this Service port on that one workload port.
                const mechanical = workloads.every((other) => targetsOf(other, port).every((t) => t === target) && targetsOf(other, port).length > 0);
                ctx.report('GIC118', {
                  target: p,
                  field: at,
                  args: { port, service: `${s.namespace}/${s.name}`, targetPort: target },
                  effect: 'Policies match the port the workload receives on, so this value never matches',
                  fix: `write "${target}"`,
                  ...(mechanical ? { edit: { kind: 'set-value' as const, field: at, value: String(target) } } : {}),
                  ...(witness === undefined ? {} : { witness }),
                });
                return;
              }
            }
          });
        }
      });
    });
  },
});
