// Facts about AuthorizationPolicy rules that several analyzers need: every field a rule uses with its
// path, values and polarity; which fields need mTLS, which are HTTP-only (dropped on TCP), which need a
// validated JWT; and Istio's value matching (exact, `x*` prefix, `*x` suffix, `*` presence) on literals.
import type { Rule } from '../resources/authorization-policy.js';

export type RulePart = 'from' | 'to' | 'when';

export interface FieldUse {
  readonly part: RulePart;
  /** Field name (`principals`, `notPaths`) or, for `when`, the condition key. */
  readonly field: string;
  /** Path of the value list, e.g. `spec.rules[0].from[1].source.principals`. */
  readonly path: string;
  readonly values: readonly string[];
  readonly negative: boolean;
  /** Index of the from/to entry or when condition. */
  readonly entry: number;
}

export const IDENTITY_SOURCE_FIELDS: ReadonlySet<string> = new Set(['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'trustDomains', 'notTrustDomains']);
export const IDENTITY_WHEN_KEYS: ReadonlySet<string> = new Set(['source.principal', 'source.namespace', 'source.serviceAccount', 'source.trustDomain', 'connection.sni']);
export const JWT_SOURCE_FIELDS: ReadonlySet<string> = new Set(['requestPrincipals', 'notRequestPrincipals']);
export const HTTP_OPERATION_FIELDS: ReadonlySet<string> = new Set(['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths']);

export function isJwtWhenKey(key: string): boolean {
  return key.startsWith('request.auth.');
}

export function isHttpWhenKey(key: string): boolean {
  return key.startsWith('request.headers') || isJwtWhenKey(key);
}

export function usesIdentity(u: FieldUse): boolean {
  return u.part === 'from' ? IDENTITY_SOURCE_FIELDS.has(u.field) : u.part === 'when' && IDENTITY_WHEN_KEYS.has(u.field);
}

export function usesJwt(u: FieldUse): boolean {
  return u.part === 'from' ? JWT_SOURCE_FIELDS.has(u.field) : u.part === 'when' && isJwtWhenKey(u.field);
}

export function isHttpOnly(u: FieldUse): boolean {
  if (u.part === 'from') return JWT_SOURCE_FIELDS.has(u.field);
  if (u.part === 'to') return HTTP_OPERATION_FIELDS.has(u.field);
  return isHttpWhenKey(u.field);
}

const usesMemo = new WeakMap<Rule, { readonly index: number; readonly uses: readonly FieldUse[] }>();

/** Every field a rule uses, in document order (memoised per rule object: the snapshot is immutable). */
export function fieldUses(rule: Rule, ruleIndex: number): readonly FieldUse[] {
  const hit = usesMemo.get(rule);
  if (hit !== undefined && hit.index === ruleIndex) return hit.uses;
  const uses = computeFieldUses(rule, ruleIndex);
  usesMemo.set(rule, { index: ruleIndex, uses });
  return uses;
}

function computeFieldUses(rule: Rule, ruleIndex: number): FieldUse[] {
  const out: FieldUse[] = [];
  const base = `spec.rules[${ruleIndex}]`;
  (rule.from ?? []).forEach((f, i) => {
    for (const [field, values] of Object.entries(f.source ?? {})) {
      if (!Array.isArray(values)) continue;
      out.push({ part: 'from', field, path: `${base}.from[${i}].source.${field}`, values, negative: field.startsWith('not'), entry: i });
    }
  });
  (rule.to ?? []).forEach((t, i) => {
    for (const [field, values] of Object.entries(t.operation ?? {})) {
      if (!Array.isArray(values)) continue;
      out.push({ part: 'to', field, path: `${base}.to[${i}].operation.${field}`, values, negative: field.startsWith('not'), entry: i });
    }
  });
  (rule.when ?? []).forEach((c, i) => {
    if (c.values !== undefined) out.push({ part: 'when', field: c.key, path: `${base}.when[${i}].values`, values: c.values, negative: false, entry: i });
    if (c.notValues !== undefined) out.push({ part: 'when', field: c.key, path: `${base}.when[${i}].notValues`, values: c.notValues, negative: true, entry: i });
  });
  return out;
}

/** Istio's value matching on a literal attribute value (`*` presence, `x*` prefix, `*x` suffix, else exact). */
export function valueMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (p === '*') return v.length > 0;
  if (p.startsWith('*')) return v.endsWith(p.slice(1));
  if (p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  return p === v;
}

/** Every value `inner` can match is also matched by `outer` (both Istio patterns). */
export function patternCovers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  if (inner === '*') return false;
  if (outer.startsWith('*')) {
    const suffix = outer.slice(1);
    return !inner.endsWith('*') && inner.endsWith(suffix) && (inner.startsWith('*') ? inner.slice(1).endsWith(suffix) : true);
  }
  if (outer.endsWith('*')) {
    const prefix = outer.slice(0, -1);
    if (inner.startsWith('*')) return false;
    return inner.endsWith('*') ? inner.slice(0, -1).startsWith(prefix) : inner.startsWith(prefix);
  }
  return outer === inner;
}

/** The rule has no from, no to and no when: it matches every request. */
export function isEmptyRule(rule: Rule): boolean {
  return (rule.from === undefined || rule.from.length === 0) && (rule.to === undefined || rule.to.length === 0) && (rule.when === undefined || rule.when.length === 0);
}

export function isDryRun(annotations: Readonly<Record<string, string>>): boolean {
  const v = annotations['istio.io/dry-run'];
  return v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}
