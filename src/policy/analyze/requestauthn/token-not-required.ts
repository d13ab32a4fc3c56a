// requestauthn.TokenNotRequired (GIC302): a RequestAuthentication on workloads where no
// AuthorizationPolicy mentions a token (requestPrincipals, notRequestPrincipals, request.auth.*):
// RequestAuthentication rejects only invalid tokens, so requests without a token are accepted. The
// witness is such a request, allowed.
import { defineAnalyzer } from '../analyzer.js';
import { fieldUses, isDryRun, usesJwt } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { witnessOptions, workloadName } from '../authz/support.js';

export const tokenNotRequired = defineAnalyzer({
  metadata: {
    name: 'requestauthn.TokenNotRequired',
    description: 'RequestAuthentications with no AuthorizationPolicy requiring a token on the same workloads',
    inputs: ['RequestAuthentication', 'Workload'],
    codes: ['GIC302'],
    subject: 'RequestAuthentication',
  },
  analyze(ctx, ra) {
    for (const w of ctx.workloadsOf(ra)) {
      const authz = ctx.authorizationFor(w);
      const policies = [...authz.allow, ...authz.deny, ...authz.custom].filter((p) => !isDryRun(p.annotations));
      const requires = policies.some((p) => (p.spec.rules ?? []).some((rule, r) => fieldUses(rule, r).some(usesJwt)));
      if (requires) continue;
      const allowRule = authz.allow.filter((p) => !isDryRun(p.annotations)).flatMap((p) => p.spec.rules ?? [])[0];
      const opts = witnessOptions(ctx, w, { protocol: 'http' });
      const request = allowRule === undefined ? requestMatching({}, opts) : requestMatching(allowRule, opts);
      const { jwt: _ignored, ...withoutToken } = request;
      const witness = ctx.witness(withoutToken, 'ALLOW', 'a request without any token is allowed');
      ctx.report('GIC302', {
        target: ra,
        field: 'spec.jwtRules',
        args: { ref: `RequestAuthentication ${ra.namespace}/${ra.name}`, workload: workloadName(w) },
        effect: 'RequestAuthentication rejects only invalid tokens: requests without a token pass as anonymous',
        fix: 'require a token with an AuthorizationPolicy: ALLOW with from.source.requestPrincipals: ["*"] (or DENY with notRequestPrincipals: ["*"])',
        ...(witness === undefined ? {} : { witness }),
      });
      return;
    }
  },
});
