// authz.HostMismatch (GIC105; Kiali KIA0104): a `hosts` value that looks like a mesh Service name
// (`svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`) but names no Service; or an exact host without a
// `:port` variant on a workload whose Services listen on a port other than 80/443, where in-mesh
// clients send `Host: svc:port` (the exact value then does not match). Hostnames of gateways are left
// alone: external clients usually omit default ports and gic cannot know public DNS names.
import type { Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import { requestMatching } from '../witness.js';
import { witnessOptions, workloadName } from './support.js';

function isGateway(w: Workload): boolean {
  return w.gatewayName !== undefined || w.isWaypoint || /gateway$/.test(w.labels['istio'] ?? '');
}

export const hostMismatch = defineAnalyzer({
  metadata: {
    name: 'authz.HostMismatch',
    description: 'hosts that name no Service, or exact hosts without a :port variant where clients send one',
    inputs: ['AuthorizationPolicy', 'Workload', 'Service'],
    codes: ['GIC105'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    const known = ctx.knownNamespaces();
    (p.spec.rules ?? []).forEach((rule, r) => {
      (rule.to ?? []).forEach((t, i) => {
        const hosts = t.operation?.hosts ?? [];
        hosts.forEach((h, j) => {
          const path = `spec.rules[${r}].to[${i}].operation.hosts[${j}]`;
          if (h.includes('*')) return;
          const [name = '', port] = h.split(':');
          const parts = name.toLowerCase().split('.');
          let svcName: string | undefined;
          let svcNs: string | undefined;
          if (parts.length === 1) [svcName, svcNs] = [parts[0], p.namespace];
          else if (parts.length === 2 && known.has(parts[1] ?? '')) [svcName, svcNs] = [parts[0], parts[1]];
          else if (parts.length >= 3 && parts[2] === 'svc' && known.has(parts[1] ?? '')) [svcName, svcNs] = [parts[0], parts[1]];
          if (svcName !== undefined && svcNs !== undefined && !ctx.servicesIn(svcNs).some((s) => s.name === svcName)) {
            ctx.report('GIC105', {
              target: p,
              field: path,
              args: { host: h, why: `names Service ${svcNs}/${svcName}, which does not exist` },
              effect: action === 'DENY' ? 'The DENY value never matches real traffic' : 'No request carries this Host, so the value never matches',
              fix: `use the host clients send to an existing Service (e.g. ${ctx.servicesIn(p.namespace)[0]?.name ?? 'svc'}.${p.namespace}.svc.cluster.local), with a ":*" variant`,
            });
            return;
          }
          if (port !== undefined) return;
          if (hosts.some((o) => o.toLowerCase().startsWith(`${name.toLowerCase()}:`))) return;
          let hit: { w: Workload; servicePort: number; targetPort: number } | undefined;
          for (const w of ctx.workloadsOf(p)) {
            if (isGateway(w)) continue;
            for (const s of ctx.servicesFor(w)) {
              const sp = s.ports.find((x) => x.port !== 80 && x.port !== 443);
              if (sp === undefined) continue;
              const tp = typeof sp.targetPort === 'number' ? sp.targetPort : sp.targetPort === undefined ? sp.port : (w.containerPorts.find((c) => c.name === sp.targetPort)?.port ?? sp.port);
              hit = { w, servicePort: sp.port, targetPort: tp };
              break;
            }
            if (hit !== undefined) break;
          }
          if (hit === undefined) return;
          const sent = `${name}:${hit.servicePort}`;
          const base = requestMatching(rule, witnessOptions(ctx, hit.w, { toEntry: i, port: hit.targetPort, host: sent }));
          const witness =
            action === 'ALLOW'
              ? ctx.witness(base, 'DENY', `a client sending Host "${sent}" is not matched by rule ${r} and is denied`)
              : action === 'DENY'
                ? ctx.witness(base, 'ALLOW', `a client sending Host "${sent}" slips past the DENY rule`)
                : undefined;
          ctx.report('GIC105', {
            target: p,
            field: path,
            args: { host: h, why: `has no ":port" variant, but clients of ${workloadName(hit.w)} send "Host: ${sent}" (Service port ${hit.servicePort})` },
            effect: action === 'DENY' ? 'Requests whose Host carries the port slip past the DENY rule' : 'Requests whose Host carries the port do not match, and are denied when no other rule allows them',
            fix: `add "${name}:*" next to "${h}"`,
            edit: { kind: 'insert-after', field: path, value: `${name}:*` },
            ...(witness === undefined ? {} : { witness }),
          });
        });
      });
    });
  },
});
