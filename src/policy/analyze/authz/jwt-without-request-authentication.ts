// authz.JwtWithoutRequestAuthentication (GIC109): requestPrincipals, notRequestPrincipals or
// `request.auth.*` conditions on a workload that no RequestAuthentication covers: no token is ever
// validated there, so positive matches never succeed (ALLOW rules never match, DENY rules never fire)
// and negative ones always do (a `notRequestPrincipals` DENY denies every request).
import { defineAnalyzer } from '../analyzer.js';
import { fieldUses, usesJwt } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { witnessOptions, workloadName } from './support.js';

export const jwtWithoutRequestAuthentication = defineAnalyzer({
  metadata: {
    name: 'authz.JwtWithoutRequestAuthentication',
    description: 'JWT fields on workloads that no RequestAuthentication covers',
    inputs: ['AuthorizationPolicy', 'Workload'],
    codes: ['GIC109'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    if (action === 'AUDIT') return;
    const workloads = ctx.workloadsOf(p).filter((w) => w.dataplane === 'sidecar' || w.gatewayName !== undefined);
    (p.spec.rules ?? []).forEach((rule, r) => {
      const jwt = fieldUses(rule, r).filter(usesJwt);
      if (jwt.length === 0) return;
      const w = workloads.find((x) => ctx.requestAuthenticationsFor(x).length === 0);
      if (w === undefined) return;
      const negative = jwt.some((u) => u.negative);
      const fields = [...new Set(jwt.map((u) => u.field))].join(', ');
      const base = requestMatching(rule, witnessOptions(ctx, w, { issuers: ['https://issuer.example.com'] }));
      let effect: string;
      let witness;
      if (action === 'ALLOW') {
        effect = negative && jwt.every((u) => u.negative) ? 'No token is validated, so the not* fields match every request' : 'No token is validated, so the rule never matches and requests it should allow are denied';
        if (!jwt.every((u) => u.negative)) witness = ctx.witness(base, 'DENY', 'a request with a token that fits the rule is denied: nothing validates the token');
      } else if (negative) {
        effect = 'No token is validated, so every request counts as having no request principal and this rule denies all of them';
        witness = ctx.witness(base, 'DENY', 'even a request with a token is denied');
      } else {
        effect = 'No token is validated, so this rule never matches';
      }
      ctx.report('GIC109', {
        target: p,
        field: jwt[0]?.path ?? `spec.rules[${r}]`,
        args: { action, rule: r, fields, workload: workloadName(w) },
        effect,
        fix: `add a RequestAuthentication selecting ${workloadName(w)} with the issuer of the tokens (jwtRules: [{issuer, jwksUri}])`,
        ...(witness === undefined ? {} : { witness }),
      });
    });
  },
});
