// One line per AuthorizationPolicy rule and one per attachment, in AuthorizationPolicy's own field
// names, for facts and prompt context: `from principals [a, b]; to methods [POST] paths [/api/*];
// when request.auth.claims[groups] in [x]`. Deterministic and complete (no field is left out), so the
// text a model reads says exactly what the policy says.
import type { Rule } from '../policy/resources/authorization-policy.js';
import type { AuthorizationPolicy } from '../policy/resources/mesh.js';

function list(values: readonly string[] | undefined): string | undefined {
  return values === undefined || values.length === 0 ? undefined : `[${values.join(', ')}]`;
}

function fields(record: Readonly<Record<string, readonly string[] | undefined>> | undefined): string {
  if (record === undefined) return '';
  return Object.entries(record)
    .flatMap(([k, v]) => {
      const l = list(v);
      return l === undefined ? [] : [`${k} ${l}`];
    })
    .join(' ');
}

export function describeRule(rule: Rule): string {
  const parts: string[] = [];
  const from = (rule.from ?? []).map((f) => fields(f.source)).filter((s) => s !== '');
  const to = (rule.to ?? []).map((t) => fields(t.operation)).filter((s) => s !== '');
  const when = (rule.when ?? []).map((c) => `${c.key}${c.values !== undefined ? ` in ${list(c.values) ?? '[]'}` : ''}${c.notValues !== undefined ? ` not in ${list(c.notValues) ?? '[]'}` : ''}`);
  if (from.length > 0) parts.push(`from ${from.join(' OR ')}`);
  if (to.length > 0) parts.push(`to ${to.join(' OR ')}`);
  if (when.length > 0) parts.push(`when ${when.join(' AND ')}`);
  return parts.length === 0 ? 'matches every request ({})' : parts.join('; ');
}

/** What the policy attaches to: a selector, targetRefs, the namespace, or the whole mesh. */
export function describeAttachment(p: AuthorizationPolicy, rootNamespace: string): string {
  const refs = p.spec.targetRefs ?? (p.spec.targetRef !== undefined ? [p.spec.targetRef] : []);
  if (refs.length > 0) return `targetRefs ${refs.map((r) => `${r.kind}/${r.name}`).join(', ')} in namespace ${p.namespace}`;
  const labels = p.spec.selector?.matchLabels;
  if (labels !== undefined && Object.keys(labels).length > 0) return `workloads with labels ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')} in namespace ${p.namespace}`;
  return p.namespace === rootNamespace ? `every workload of the mesh (root namespace ${rootNamespace})` : `every workload of namespace ${p.namespace}`;
}

/** `ALLOW policy ns/name (file:line)`: the policy's action, reference and source. */
export function policySource(p: AuthorizationPolicy): string {
  return `${p.source.file}:${p.source.line}`;
}
