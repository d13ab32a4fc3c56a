// authz.UnknownCustomProvider (GIC116): a CUSTOM policy whose provider is not an ext-authz entry of
// MeshConfig `extensionProviders` (missing, misnamed, not envoyExtAuthzHttp/Grpc, or invalid): istiod
// turns its rules into DENY rules (`-deny-due-to-bad-CUSTOM-action`), so matching requests get 403.
import { defineAnalyzer } from '../analyzer.js';
import { requestMatching } from '../witness.js';
import { witnessOptions } from './support.js';

export const unknownCustomProvider = defineAnalyzer({
  metadata: {
    name: 'authz.UnknownCustomProvider',
    description: 'CUSTOM policies whose provider MeshConfig does not define',
    inputs: ['AuthorizationPolicy', 'MeshConfig'],
    codes: ['GIC116'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    if (p.spec.action !== 'CUSTOM') return;
    const name = p.spec.provider?.name ?? '';
    if (name === '') return; // a validation error (GIC100)
    const providers = ctx.meshConfig.extensionProviders;
    const entry = providers.find((x) => x.name === name);
    let why: string | undefined;
    if (entry === undefined) why = `is not in MeshConfig extensionProviders${providers.length > 0 ? ` (defined: ${providers.map((x) => x.name).join(', ')})` : ' (none are defined)'}`;
    else if (entry.envoyExtAuthzHttp === undefined && entry.envoyExtAuthzGrpc === undefined) why = 'is not an envoyExtAuthzHttp or envoyExtAuthzGrpc provider';
    if (why === undefined) return;
    const w = ctx.workloadsOf(p)[0];
    const rule = p.spec.rules?.[0];
    const witness = w === undefined || rule === undefined ? undefined : ctx.witness(requestMatching(rule, witnessOptions(ctx, w)), 'DENY', 'a request that matches the CUSTOM rule is denied instead of being sent to the provider', (d) => d.reasons.some((x) => x.policy === `${p.namespace}/${p.name}`));
    ctx.report('GIC116', {
      target: p,
      field: 'spec.provider.name',
      args: { provider: name, why },
      effect: 'istiod replaces the CUSTOM rules with DENY rules, so every matching request is denied (403)',
      fix: `add an extensionProviders entry named "${name}" (envoyExtAuthzHttp or envoyExtAuthzGrpc with service and port) to the istio ConfigMap, or fix the name`,
      ...(witness === undefined ? {} : { witness }),
    });
  },
});
