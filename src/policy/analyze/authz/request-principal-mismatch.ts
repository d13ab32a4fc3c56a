// authz.RequestPrincipalMismatch (GIC110): a request principal (`requestPrincipals`, `notRequestPrincipals`,
// `when request.auth.principal`) that is not `iss/sub` shaped (Istio splits at the last "/": a bare value
// is an issuer with an empty subject, and `https://idp*` splits inside the URL), or whose issuer no
// RequestAuthentication of the selected workloads accepts (tokens of that issuer get 401 first).
import type { Workload } from '../../resources/mesh.js';
import { defineAnalyzer } from '../analyzer.js';
import { valueMatches } from '../rule-facts.js';
import { issuersOf } from '../witness.js';
import { workloadName } from './support.js';

function shapeProblem(v: string): string | undefined {
  if (v === '*') return undefined;
  const slash = v.lastIndexOf('/');
  if (slash < 0) return v.includes('*') ? undefined : 'is not iss/sub shaped: Istio reads it as an issuer with an empty subject, which no token has';
  const iss = v.slice(0, slash);
  if (/^[a-z]+:\/?$/i.test(iss) || iss.endsWith('/')) return `splits at the last "/" into issuer "${iss}" and subject "${v.slice(slash + 1)}"; write "<issuer>/<subject>", e.g. "https://idp.example.com/*"`;
  return undefined;
}

export const requestPrincipalMismatch = defineAnalyzer({
  metadata: {
    name: 'authz.RequestPrincipalMismatch',
    description: 'request principals that are not iss/sub shaped or whose issuer no RequestAuthentication accepts',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC110'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const workloads: Workload[] | undefined = ctx.workloadsOf(p);
    const check = (path: string, v: string, negative: boolean): void => {
      let why = shapeProblem(v);
      if (why === undefined && v !== '*' && v.includes('/')) {
        const iss = v.slice(0, v.lastIndexOf('/'));
        for (const w of workloads) {
          const issuers = issuersOf(ctx.requestAuthenticationsFor(w));
          if (issuers.length === 0) continue;
          if (!issuers.some((i) => valueMatches(iss, i))) {
            why = `has issuer "${iss}", which no RequestAuthentication of ${workloadName(w)} accepts (${issuers.join(', ')}): its tokens are rejected with 401`;
            break;
          }
        }
      }
      if (why === undefined) return;
      ctx.report('GIC110', {
        target: p,
        field: path,
        args: { value: v, why },
        effect: negative ? 'Excluding it excludes no valid token' : 'No validated token has this principal, so the value never matches',
        fix: 'write "<issuer>/<subject>" with the exact issuer of a RequestAuthentication jwtRule (or "<issuer>/*" for any subject)',
      });
    };
    (p.spec.rules ?? []).forEach((rule, r) => {
      (rule.from ?? []).forEach((f, i) => {
        for (const field of ['requestPrincipals', 'notRequestPrincipals'] as const) {
          (f.source?.[field] ?? []).forEach((v, j) => check(`spec.rules[${r}].from[${i}].source.${field}[${j}]`, v, field === 'notRequestPrincipals'));
        }
      });
      (rule.when ?? []).forEach((c, i) => {
        if (c.key !== 'request.auth.principal') return;
        (c.values ?? []).forEach((v, j) => check(`spec.rules[${r}].when[${i}].values[${j}]`, v, false));
        (c.notValues ?? []).forEach((v, j) => check(`spec.rules[${r}].when[${i}].notValues[${j}]`, v, true));
      });
    });
  },
});
