// authz.UnknownPrincipals (GIC106; Kiali KIA0106, KIA0108): a principal (`principals`, `notPrincipals`,
// `source.principal`) that is not of the SPIFFE form `<td>/ns/<ns>/sa/<sa>`, whose trust domain is
// neither the mesh's, an alias nor `cluster.local` (which istiod maps to the mesh's), or that names no
// ServiceAccount of the mesh; a `serviceAccounts` value that names none. Prefix/suffix patterns are
// checked against every known identity.
import { defineAnalyzer } from '../analyzer.js';
import { valueMatches } from '../rule-facts.js';
import { hasLiteralStar } from './literal-wildcard.js';

export const unknownPrincipals = defineAnalyzer({
  metadata: {
    name: 'authz.UnknownPrincipals',
    description: 'principals and service accounts that name no ServiceAccount, or a foreign trust domain',
    inputs: ['AuthorizationPolicy', 'Workload'],
    codes: ['GIC106'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const tds = new Set([...ctx.trustDomains, 'cluster.local']);
    const check = (field: string, path: string, value: string, negative: boolean): void => {
      let why: string | undefined;
      if (value === '*' || hasLiteralStar(value)) return; // a literal * is authz.LiteralWildcard's finding
      const effect = negative ? 'Excluding an identity no peer has excludes nobody' : 'No peer presents this identity, so the value never matches and the callers meant by it are left out';
      if (value.includes('*')) {
        if (!ctx.identityPatternMatches(value, valueMatches)) why = 'matches no ServiceAccount of the mesh';
      } else {
        const parts = value.split('/');
        if (parts.length !== 5 || parts[1] !== 'ns' || parts[3] !== 'sa') why = 'is not a SPIFFE identity of the form <trust-domain>/ns/<namespace>/sa/<service-account>';
        else if (!tds.has(parts[0] ?? '')) why = `has trust domain "${parts[0]}", which is neither the mesh's (${ctx.trustDomains[0]}) nor one of its aliases`;
        else if (!ctx.hasServiceAccount(parts[2] ?? '', parts[4] ?? '')) why = `names ServiceAccount ${parts[2]}/${parts[4]}, which no workload uses and no ServiceAccount object defines`;
      }
      if (why === undefined) return;
      ctx.report('GIC106', {
        target: p,
        field: path,
        args: { field, value, why },
        effect,
        fix: `name an existing identity, e.g. ${ctx.trustDomains[0]}/ns/<namespace>/sa/<service-account> (or use serviceAccounts: ["<namespace>/<name>"])`,
      });
    };
    (p.spec.rules ?? []).forEach((rule, r) => {
      (rule.from ?? []).forEach((f, i) => {
        const s = f.source ?? {};
        for (const field of ['principals', 'notPrincipals'] as const) {
          (s[field] ?? []).forEach((v, j) => check(field, `spec.rules[${r}].from[${i}].source.${field}[${j}]`, v, field === 'notPrincipals'));
        }
        for (const field of ['serviceAccounts', 'notServiceAccounts'] as const) {
          (s[field] ?? []).forEach((v, j) => {
            const [ns, sa] = v.includes('/') ? v.split('/') : [p.namespace, v];
            if (ctx.hasServiceAccount(ns ?? '', sa ?? '')) return;
            const path = `spec.rules[${r}].from[${i}].source.${field}[${j}]`;
            ctx.report('GIC106', {
              target: p,
              field: path,
              args: { field, value: v, why: `names ServiceAccount ${ns}/${sa}, which no workload uses and no ServiceAccount object defines` },
              effect: field === 'serviceAccounts' ? 'No peer presents this identity, so the value never matches' : 'Excluding it excludes nobody',
              fix: 'name an existing ServiceAccount as <namespace>/<name>',
            });
          });
        }
      });
      (rule.when ?? []).forEach((c, i) => {
        if (c.key !== 'source.principal') return;
        (c.values ?? []).forEach((v, j) => check(c.key, `spec.rules[${r}].when[${i}].values[${j}]`, v, false));
        (c.notValues ?? []).forEach((v, j) => check(c.key, `spec.rules[${r}].when[${i}].notValues[${j}]`, v, true));
      });
    });
  },
});
