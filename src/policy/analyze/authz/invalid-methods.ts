// authz.InvalidMethods (GIC104; Kiali KIA0102): a `methods` / `notMethods` value that is not an HTTP
// method, or not upper case (matching is case-sensitive and Envoy rejects lower-case methods), so it
// never matches. With a witness: the upper-case request that an ALLOW rule was meant to allow is denied.
import { defineAnalyzer } from '../analyzer.js';
import { requestMatching } from '../witness.js';
import { valueMatches } from '../rule-facts.js';
import { witnessOptions } from './support.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

export const invalidMethods = defineAnalyzer({
  metadata: {
    name: 'authz.InvalidMethods',
    description: 'methods that are not HTTP methods or not upper case',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC104'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    (p.spec.rules ?? []).forEach((rule, r) => {
      (rule.to ?? []).forEach((t, i) => {
        for (const field of ['methods', 'notMethods'] as const) {
          (t.operation?.[field] ?? []).forEach((m, j) => {
            if (m === '*' || METHODS.some((x) => valueMatches(m, x))) return;
            const upper = m.toUpperCase();
            const isCase = upper !== m && METHODS.some((x) => valueMatches(upper, x));
            const path = `spec.rules[${r}].to[${i}].operation.${field}[${j}]`;
            let witness;
            if (isCase && field === 'methods' && action === 'ALLOW') {
              const w = ctx.workloadsOf(p)[0];
              if (w !== undefined) {
                const base = requestMatching(rule, witnessOptions(ctx, w, { toEntry: i }));
                witness = ctx.witness({ ...base, method: upper === '*' ? 'GET' : upper.replace('*', '') }, 'DENY', `a ${upper} request that rule ${r} was meant to allow is denied`);
              }
            }
            ctx.report('GIC104', {
              target: p,
              field: path,
              args: { method: m, why: isCase ? 'is not upper case: methods are case-sensitive and clients send upper case' : 'is not an HTTP method' },
              effect: field === 'methods' ? 'The value never matches a request' : 'Excluding it excludes no request',
              fix: isCase ? `write "${upper}"` : `use one of ${METHODS.join(', ')} (gRPC calls are POST)`,
              ...(isCase ? { edit: { kind: 'set-value' as const, field: path, value: upper } } : {}),
              ...(witness === undefined ? {} : { witness }),
            });
          });
        }
      });
    });
  },
});
