// authz.SourceNamespaceNotFound (GIC102; istioctl IST0101, Kiali KIA0101): a `source.namespaces` or
// `notNamespaces` value that matches no namespace of the mesh (`*`, `x*`, `*x` honoured, and a `*`
// anywhere, which Envoy treats as a regex wildcard in namespaces).
import { defineAnalyzer } from '../analyzer.js';

function matchesSome(pattern: string, namespaces: ReadonlySet<string>): boolean {
  if (pattern === '*') return true;
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return namespaces.has(pattern) || [...namespaces].some((n) => n.toLowerCase() === p);
  const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  for (const n of namespaces) if (re.test(n)) return true;
  return false;
}

export const sourceNamespaceNotFound = defineAnalyzer({
  metadata: {
    name: 'authz.SourceNamespaceNotFound',
    description: 'source.namespaces / notNamespaces values that name no namespace of the mesh',
    inputs: ['AuthorizationPolicy', 'Namespace'],
    codes: ['GIC102'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const known = ctx.knownNamespaces();
    (p.spec.rules ?? []).forEach((rule, r) => {
      (rule.from ?? []).forEach((f, i) => {
        for (const field of ['namespaces', 'notNamespaces'] as const) {
          (f.source?.[field] ?? []).forEach((ns, j) => {
            if (matchesSome(ns, known)) return;
            const path = `spec.rules[${r}].from[${i}].source.${field}[${j}]`;
            const sample = [...known].filter((n) => n !== ctx.rootNamespace).sort().slice(0, 5).join(', ');
            ctx.report('GIC102', {
              target: p,
              field: path,
              args: { field: path, namespace: ns },
              effect: field === 'namespaces' ? 'No caller comes from it, so this value never matches and the callers meant by it are left out' : 'Excluding a namespace that does not exist excludes nobody',
              fix: `use the name of an existing namespace${sample === '' ? '' : ` (e.g. ${sample})`}, or remove the value`,
            });
          });
        }
      });
    });
  },
});
