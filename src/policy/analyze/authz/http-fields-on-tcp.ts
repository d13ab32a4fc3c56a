// authz.HttpFieldsOnTcp (GIC108): HTTP-only fields (hosts, methods, paths and their not*,
// requestPrincipals, when request.headers / request.auth.*) in a rule that applies to a port a Service
// declares TCP (port name or appProtocol). On a TCP filter chain istiod drops the whole ALLOW rule (so
// the TCP traffic it was meant to allow is denied) and drops only the field from DENY / AUDIT / CUSTOM
// rules (so they match more). The witness is the TCP connection.
import type { Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import { fieldUses, isHttpOnly } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { portsInScope, witnessOptions, workloadName } from './support.js';

export const httpFieldsOnTcp = defineAnalyzer({
  metadata: {
    name: 'authz.HttpFieldsOnTcp',
    description: 'HTTP-only fields in rules that apply to TCP ports',
    inputs: ['AuthorizationPolicy', 'Workload', 'Service'],
    codes: ['GIC108'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    // Gateways decide the protocol from their Gateway servers (TLS termination), not the Service port name.
    // Computed at the first rule with HTTP-only fields: most policies have none.
    let workloads: readonly Workload[] | undefined;
    (p.spec.rules ?? []).forEach((rule, r) => {
      const http = fieldUses(rule, r).filter(isHttpOnly);
      if (http.length === 0) return;
      workloads ??= ctx.workloadsOf(p).filter((w) => w.dataplane === 'sidecar' && w.gatewayName === undefined && !/gateway$/.test(w.labels['istio'] ?? ''));
      for (const w of workloads) {
        if (ctx.tcpPortsOf(w).length === 0) continue;
        let hit: { port: number; why: string } | undefined;
        for (const port of portsInScope(ctx, rule, w)) {
          const proto = ctx.protocolOf(w, port);
          if (proto?.protocol === 'tcp') {
            hit = { port, why: `Service ${proto.service.namespace}/${proto.service.name} ${proto.how}` };
            break;
          }
        }
        if (hit === undefined) continue;
        const fields = [...new Set(http.map((u) => u.field))].join(', ');
        const request = requestMatching(rule, witnessOptions(ctx, w, { port: hit.port, protocol: 'tcp', ignore: (f) => http.some((u) => u.field === f) }));
        const witness =
          action === 'ALLOW'
            ? ctx.witness(request, 'DENY', `a TCP connection to port ${hit.port} that fits the rest of the rule is rejected`)
            : action === 'DENY'
              ? ctx.witness(request, 'DENY', `every TCP connection to port ${hit.port} that fits the rest of the rule is rejected`, (d) => d.reasons.some((x) => x.policy === `${p.namespace}/${p.name}`))
              : undefined;
        ctx.report('GIC108', {
          target: p,
          field: http[0]?.path ?? `spec.rules[${r}]`,
          args: { action, rule: r, fields, workload: workloadName(w), port: hit.port, why: hit.why },
          effect:
            action === 'ALLOW'
              ? 'On the TCP filter chain istiod drops the whole rule, so TCP connections it was meant to allow are rejected'
              : `On the TCP filter chain istiod drops only the HTTP fields, so the ${action} rule matches every TCP connection that fits the rest${action === 'DENY' ? ' and rejects it' : ''}`,
          fix: `limit the rule to HTTP ports with \`ports\` (and add a separate rule without HTTP fields for port ${hit.port}), or declare the port as HTTP (name it http-*, or set appProtocol: http) if it carries HTTP`,
          ...(witness === undefined ? {} : { witness }),
        });
        break;
      }
    });
  },
});
