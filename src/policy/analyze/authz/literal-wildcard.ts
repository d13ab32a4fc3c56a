// authz.LiteralWildcard (GIC111): a `*` inside a value of principals, paths, hosts or methods (and
// their not*), where Istio supports only a leading or trailing `*` and matches any other `*` literally
// (`/api/*/users`, `cluster.local/ns/*/sa/x`, `*.example.*`). Path templates `{*}`/`{**}` are fine;
// namespaces are exempt (Envoy matches them as a regex). The witness is the request the author meant.
import { defineAnalyzer } from '../analyzer.js';
import { requestMatching } from '../witness.js';
import { witnessOptions } from './support.js';

export function hasLiteralStar(v: string): boolean {
  if (v.length < 2) return false;
  const body = v.startsWith('*') ? v.slice(1) : v.endsWith('*') ? v.slice(0, -1) : v;
  return body.includes('*');
}

const SOURCE = ['principals', 'notPrincipals'] as const;
const OPERATION = ['paths', 'notPaths', 'hosts', 'notHosts', 'methods', 'notMethods'] as const;

export const literalWildcard = defineAnalyzer({
  metadata: {
    name: 'authz.LiteralWildcard',
    description: 'a * inside a value, which Istio matches literally',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC111'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    const workload = (): ReturnType<typeof ctx.workloadsOf>[number] | undefined => ctx.workloadsOf(p)[0];
    (p.spec.rules ?? []).forEach((rule, r) => {
      const report = (field: string, path: string, v: string, meant?: Partial<{ path: string; principal: string; host: string }>, toEntry?: number): void => {
        let witness;
        const w = meant === undefined ? undefined : workload();
        if (w !== undefined && meant !== undefined && (action === 'ALLOW' || action === 'DENY')) {
          const base = requestMatching(rule, witnessOptions(ctx, w, toEntry === undefined ? {} : { toEntry }));
          const request = { ...base, ...(meant.path === undefined ? {} : { path: meant.path }), ...(meant.host === undefined ? {} : { host: meant.host }), ...(meant.principal === undefined ? {} : { from: { principal: meant.principal } }) };
          witness = action === 'ALLOW' ? ctx.witness(request, 'DENY', `"${v}" does not match the value it looks like it means, so this request is denied`) : ctx.witness(request, 'ALLOW', `"${v}" does not match the value it looks like it means, so this request is not denied`);
        }
        ctx.report('GIC111', {
          target: p,
          field: path,
          args: { field, value: v },
          effect: field.startsWith('not') ? 'The exclusion only excludes that literal text' : 'The value only matches that literal text, not what the pattern suggests',
          fix: field.includes('aths') ? 'use a path template ({*} for one segment, {**} for many), or a prefix/suffix' : 'use a prefix or suffix match (one leading or trailing *), or list the exact values',
          ...(witness === undefined ? {} : { witness }),
        });
      };
      (rule.from ?? []).forEach((f, i) => {
        for (const field of SOURCE) (f.source?.[field] ?? []).forEach((v, j) => {
          if (hasLiteralStar(v)) report(field, `spec.rules[${r}].from[${i}].source.${field}[${j}]`, v, field === 'principals' ? { principal: v.replaceAll('*', 'x') } : undefined);
        });
      });
      (rule.to ?? []).forEach((t, i) => {
        for (const field of OPERATION) (t.operation?.[field] ?? []).forEach((v, j) => {
          if (field.endsWith('aths') && (v.includes('{*}') || v.includes('{**}'))) return;
          if (!hasLiteralStar(v)) return;
          const concrete = v.replace(/^\*/, 'x').replace(/\*$/, 'x').replaceAll('*', 'x');
          report(field, `spec.rules[${r}].to[${i}].operation.${field}[${j}]`, v, field === 'paths' ? { path: concrete } : field === 'hosts' ? { host: concrete } : undefined, i);
        });
      });
    });
  },
});
