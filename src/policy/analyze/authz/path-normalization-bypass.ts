// authz.PathNormalizationBypass (GIC124): a DENY rule on `paths`, or `notPaths` in an ALLOW rule, that a
// request differing only by a duplicate slash (not merged under NONE/BASE), a trailing slash (exact
// values) or an encoded slash (not decoded unless DECODE_AND_MERGE_SLASHES) escapes, while many apps
// treat it as the same path. The witness is that request: not denied by the DENY / allowed by notPaths.
import type { MeshConfig } from '../../resources/mesh-config.js';
import { defineAnalyzer } from '../analyzer.js';
import { valueMatches } from '../rule-facts.js';
import { requestMatching } from '../witness.js';
import { witnessOptions } from './support.js';

function bypassOf(v: string, all: readonly string[], normalization: MeshConfig['pathNormalization']): { bypass: string; how: string } | undefined {
  if (v === '*' || v.startsWith('*') || v.includes('{') || !v.startsWith('/')) return undefined;
  const concrete = v.endsWith('*') ? `${v.slice(0, -1)}x` : v;
  const escapes = (candidate: string): boolean => !all.some((o) => valueMatches(o, candidate));
  const merges = normalization === 'MERGE_SLASHES' || normalization === 'DECODE_AND_MERGE_SLASHES';
  if (!merges && escapes(`/${concrete}`)) return { bypass: `/${concrete}`, how: 'a duplicate slash, which this normalization does not merge' };
  if (!v.endsWith('*') && !v.endsWith('/') && escapes(`${v}/`)) return { bypass: `${v}/`, how: 'a trailing slash' };
  const inner = concrete.indexOf('/', 1);
  if (normalization !== 'DECODE_AND_MERGE_SLASHES' && inner > 0) {
    const encoded = `${concrete.slice(0, inner)}%2F${concrete.slice(inner + 1)}`;
    if (escapes(encoded)) return { bypass: encoded, how: 'an encoded slash, which this normalization does not decode' };
  }
  return undefined;
}

export const pathNormalizationBypass = defineAnalyzer({
  metadata: {
    name: 'authz.PathNormalizationBypass',
    description: 'DENY paths and ALLOW notPaths that path variants bypass under the mesh pathNormalization',
    inputs: ['AuthorizationPolicy', 'MeshConfig'],
    codes: ['GIC124'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    const field = action === 'DENY' ? 'paths' : action === 'ALLOW' ? 'notPaths' : undefined;
    if (field === undefined) return;
    const normalization = ctx.meshConfig.pathNormalization;
    (p.spec.rules ?? []).forEach((rule, r) => {
      (rule.to ?? []).forEach((t, i) => {
        const values = t.operation?.[field] ?? [];
        values.forEach((v, j) => {
          const found = bypassOf(v, values, normalization);
          if (found === undefined) return;
          // With positive paths next to notPaths, the variant must also pass them to get through.
          const positive = field === 'notPaths' ? t.operation?.paths : undefined;
          if (positive !== undefined && !positive.some((x) => valueMatches(x, found.bypass))) return;
          const path = `spec.rules[${r}].to[${i}].operation.${field}[${j}]`;
          const w = ctx.workloadsOf(p).find((x) => x.dataplane === 'sidecar' || x.gatewayName !== undefined);
          let witness;
          if (w !== undefined) {
            const request = requestMatching(rule, witnessOptions(ctx, w, { toEntry: i, path: found.bypass, protocol: 'http' }));
            witness = ctx.witness(request, 'ALLOW', action === 'DENY' ? `"${found.bypass}" is not denied although the application may serve it as "${v}"` : `"${found.bypass}" is allowed through notPaths although the application may serve it as "${v}"`);
          }
          ctx.report('GIC124', {
            target: p,
            field: path,
            args: { field, value: v, bypass: found.bypass, how: found.how, normalization },
            effect: action === 'DENY' ? 'The DENY rule does not match the variant, and an application that normalizes paths serves the denied resource' : 'The variant is not excluded by notPaths, so the ALLOW rule allows it',
            fix: 'prefer ALLOW rules with positive paths (default deny); set meshConfig.pathNormalization to MERGE_SLASHES or DECODE_AND_MERGE_SLASHES; add the variants (e.g. "/x/*") to the list',
            ...(witness === undefined ? {} : { witness }),
          });
        });
      });
    });
  },
});
