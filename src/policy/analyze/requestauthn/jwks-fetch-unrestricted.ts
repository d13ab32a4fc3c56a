// requestauthn.JwksFetchUnrestricted (GIC304, info; istioctl IST0175): a RequestAuthentication whose
// keys istiod fetches (no inline `jwks`) while the istiod Deployment of the snapshot does not set
// BLOCKED_CIDRS_IN_JWKS_URIS, so a jwksUri could make istiod reach internal addresses. Needs the istiod
// Deployment in the input; without it nothing is known and nothing is reported.
import { defineAnalyzer } from '../analyzer.js';

export const jwksFetchUnrestricted = defineAnalyzer({
  metadata: {
    name: 'requestauthn.JwksFetchUnrestricted',
    description: 'RequestAuthentications while istiod does not restrict JWKS fetches',
    inputs: ['RequestAuthentication', 'IstiodDeployment'],
    codes: ['GIC304'],
    subject: 'RequestAuthentication',
  },
  analyze(ctx, ra) {
    const open = ctx.istiod().find((i) => !i.restrictsJwksFetch);
    if (open === undefined) return;
    const fetched = (ra.spec.jwtRules ?? []).findIndex((r) => r.jwks === undefined || r.jwks === '');
    if (fetched < 0) return;
    ctx.report('GIC304', {
      target: ra,
      field: `spec.jwtRules[${fetched}]`,
      args: { ref: `RequestAuthentication ${ra.namespace}/${ra.name}`, istiod: `${open.ref.namespace}/${open.ref.name}` },
      effect: 'istiod fetches the JWKS from whatever address the jwksUri (or OIDC discovery) names',
      fix: 'set BLOCKED_CIDRS_IN_JWKS_URIS on istiod to the internal ranges it must not fetch from, or inline the keys with jwks',
    });
  },
});
