// peerauthn.PortLevelMtlsUnknownPort (GIC203): a `portLevelMtls` port that the selected workloads do
// not receive on (container ports and Service target ports); often a Service port written instead of
// the target port. Istio applies port-level modes to workload ports only, so the entry has no effect.
import type { Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';

export const portLevelMtlsUnknownPort = defineAnalyzer({
  metadata: {
    name: 'peerauthn.PortLevelMtlsUnknownPort',
    description: 'portLevelMtls ports the selected workloads do not expose',
    inputs: ['PeerAuthentication', 'Workload'],
    codes: ['GIC203'],
    subject: 'PeerAuthentication',
  },
  analyze(ctx, p) {
    const levels = p.spec.portLevelMtls;
    const selector = p.spec.selector?.matchLabels ?? {};
    if (levels === undefined || Object.keys(selector).length === 0) return;
    const selected = ctx.workloadsIn(p.namespace).filter((w: Workload) => Object.entries(selector).every(([k, v]) => w.labels[k] === v));
    if (selected.length === 0) return;
    const exposed = new Set<number>();
    for (const w of selected) for (const port of ctx.portsOf(w)) exposed.add(port);
    if (exposed.size === 0) return;
    for (const key of Object.keys(levels)) {
      const port = Number(key);
      if (!Number.isInteger(port) || exposed.has(port)) continue;
      const viaService = selected.flatMap((w) => ctx.servicesFor(w)).find((s) => s.ports.some((sp) => sp.port === port));
      ctx.report('GIC203', {
        target: p,
        field: `spec.portLevelMtls[${JSON.stringify(key)}]`,
        args: { port, ports: [...exposed].sort((a, b) => a - b).join(', ') },
        effect: `The mode set for port ${port} applies to no traffic${viaService !== undefined ? ` (${port} is a port of Service ${viaService.namespace}/${viaService.name}; portLevelMtls takes the target port)` : ''}`,
        fix: 'use the port the workload receives on (the container / target port)',
      });
    }
  },
});
