// authz.AuditWithoutProvider (GIC121, info): an AUDIT policy while MeshConfig configures no audit
// provider (only the Stackdriver telemetry provider acts on AUDIT): requests are marked but nothing logs.
import { defineAnalyzer } from '../analyzer.js';

export const auditWithoutProvider = defineAnalyzer({
  metadata: {
    name: 'authz.AuditWithoutProvider',
    description: 'AUDIT policies without an audit provider',
    inputs: ['AuthorizationPolicy', 'MeshConfig'],
    codes: ['GIC121'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    if (p.spec.action !== 'AUDIT') return;
    if (ctx.meshConfig.extensionProviders.some((x) => 'stackdriver' in x)) return;
    ctx.report('GIC121', {
      target: p,
      field: 'spec.action',
      args: { ref: `${p.namespace}/${p.name}` },
      effect: 'AUDIT never changes a decision; without an audit plugin nothing records the audited requests',
      fix: 'configure an audit-capable provider (extensionProviders with stackdriver) and enable it in Telemetry, or remove the policy',
    });
  },
});
