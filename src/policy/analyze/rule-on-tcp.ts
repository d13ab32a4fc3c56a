// Two readings of one AuthorizationPolicy rule on a TCP connection, which has no method, path, host,
// header or token: the rule without its HTTP-only fields (what istiod keeps of a DENY / AUDIT / CUSTOM
// rule on a TCP filter chain, and what an ALLOW rule means for the TCP port it names), and the rule read
// as written (a positive HTTP-only value never matches a connection without that attribute, a negative
// one always does). GIC108 compares what istiod does with these readings to prove that dropped fields
// change a decision. Pure rule rewriting: no evaluation here.
import type { Condition, Operation, Rule, Source } from '../resources/authorization-policy.js';
import type { AuthorizationPolicy } from '../resources/mesh.js';
import { HTTP_OPERATION_FIELDS, isHttpWhenKey, JWT_SOURCE_FIELDS } from './rule-facts.js';

type Entry<T> = Readonly<Record<string, T>>;

function nonEmpty(values: readonly string[] | undefined): boolean {
  return values !== undefined && values.length > 0;
}

/** The entry without the fields in `fields` (which name positive and not* forms alike). */
function withoutFields<T extends Source | Operation>(entry: T | undefined, fields: ReadonlySet<string>): T | undefined {
  if (entry === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry as Entry<unknown>)) if (!fields.has(k)) out[k] = v;
  return out as T;
}

/** Whether the entry has a positive HTTP-only value (a TCP connection never matches it). */
function hasPositive(entry: Source | Operation | undefined, fields: ReadonlySet<string>): boolean {
  if (entry === undefined) return false;
  for (const [k, v] of Object.entries(entry as Entry<readonly string[] | undefined>)) if (fields.has(k) && !k.startsWith('not') && nonEmpty(v)) return true;
  return false;
}

/**
 * The rule with every HTTP-only field removed (positive and negative, in every from / to entry and
 * `when`): an entry left empty matches anything, as istiod's translation does.
 */
export function withoutHttpFields(rule: Rule): Rule {
  return {
    ...(rule.from === undefined ? {} : { from: rule.from.map((f) => ({ ...f, ...(f.source === undefined ? {} : { source: withoutFields(f.source, JWT_SOURCE_FIELDS) }) })) }),
    ...(rule.to === undefined ? {} : { to: rule.to.map((t) => ({ ...t, ...(t.operation === undefined ? {} : { operation: withoutFields(t.operation, HTTP_OPERATION_FIELDS) }) })) }),
    ...(rule.when === undefined ? {} : { when: rule.when.filter((c) => !isHttpWhenKey(c.key)) }),
  };
}

/**
 * The rule read as written on a TCP connection, as an equivalent rule without HTTP-only fields, or
 * undefined when it can match no TCP connection: an entry with a positive HTTP-only value can never
 * match (the attribute is absent), a negative one always does (so it is dropped), and a `when`
 * condition on an HTTP-only key matches only through `notValues`.
 */
export function asWrittenOnTcp(rule: Rule): Rule | undefined {
  const when: Condition[] = [];
  for (const c of rule.when ?? []) {
    if (!isHttpWhenKey(c.key)) when.push(c);
    else if (nonEmpty(c.values)) return undefined;
  }
  let from = rule.from;
  if (from !== undefined && from.length > 0) {
    from = from.filter((f) => !hasPositive(f.source, JWT_SOURCE_FIELDS)).map((f) => ({ ...f, ...(f.source === undefined ? {} : { source: withoutFields(f.source, JWT_SOURCE_FIELDS) }) }));
    if (from.length === 0) return undefined;
  }
  let to = rule.to;
  if (to !== undefined && to.length > 0) {
    to = to.filter((t) => !hasPositive(t.operation, HTTP_OPERATION_FIELDS)).map((t) => ({ ...t, ...(t.operation === undefined ? {} : { operation: withoutFields(t.operation, HTTP_OPERATION_FIELDS) }) }));
    if (to.length === 0) return undefined;
  }
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(rule.when === undefined ? {} : { when }) };
}

/** Whether a `to` entry admits requests to `port` (its `ports`, if any, name it; its `notPorts` do not). */
export function entryAdmitsPort(entry: { readonly operation?: Operation | undefined }, port: number): boolean {
  const o = entry.operation ?? {};
  if (o.ports !== undefined && o.ports.length > 0 && !o.ports.some((x) => Number(x) === port)) return false;
  return !(o.notPorts ?? []).some((x) => Number(x) === port);
}

/** Whether the rule can match a request to `port`: some `to` entry (or none at all) admits the port. */
export function mayApplyToPort(rule: Rule, port: number): boolean {
  const to = rule.to ?? [];
  return to.length === 0 || to.some((t) => entryAdmitsPort(t, port));
}

/** The policy with rule `index` replaced (or removed: `rule` undefined); everything else kept. */
export function withRule(p: AuthorizationPolicy, index: number, rule: Rule | undefined): AuthorizationPolicy {
  const rules = (p.spec.rules ?? []).flatMap((r, i) => (i !== index ? [r] : rule === undefined ? [] : [rule]));
  return { ...p, spec: { ...p.spec, rules } };
}
