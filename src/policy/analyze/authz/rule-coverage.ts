// Whether one AuthorizationPolicy rule matches every request another rule matches, judged on the
// values as written (sound but incomplete: "covers" is only answered yes when it surely holds).
import type { Condition, Operation, Rule, Source } from '../../resources/authorization-policy.js';
import { patternCovers } from '../rule-facts.js';

type Fields = Readonly<Record<string, readonly string[] | undefined>>;

function listCovered(outer: readonly string[], inner: readonly string[] | undefined, exactOnly = false): boolean {
  if (inner === undefined || inner.length === 0) return false;
  return inner.every((i) => outer.some((o) => (exactOnly ? o === '*' || o === i : patternCovers(o, i))));
}

/** requestPrincipals match issuer and subject separately (split at the last "/"): compare them as written. */
const SPLIT_MATCHED = new Set(['requestPrincipals', 'notRequestPrincipals']);

/** Every request matching `inner` entry fields also matches `outer` entry fields. */
function fieldsCover(outer: Fields, inner: Fields): boolean {
  for (const [field, values] of Object.entries(outer)) {
    if (values === undefined || values.length === 0) continue;
    const mine = inner[field];
    if (field.startsWith('not')) {
      // inner must exclude at least what outer excludes
      if (mine === undefined || !values.every((o) => mine.some((i) => (SPLIT_MATCHED.has(field) ? i === o : patternCovers(i, o))))) return false;
    } else if (!listCovered(values, mine, SPLIT_MATCHED.has(field))) return false;
  }
  return true;
}

function entriesCover<T>(outer: readonly T[] | undefined, inner: readonly T[] | undefined, fields: (e: T) => Fields): boolean {
  if (outer === undefined || outer.length === 0) return true;
  if (inner === undefined || inner.length === 0) return false;
  return inner.every((i) => outer.some((o) => fieldsCover(fields(o), fields(i))));
}

function conditionImplied(outer: Condition, inner: readonly Condition[]): boolean {
  return inner.some((i) => {
    if (i.key !== outer.key) return false;
    if (outer.values !== undefined && outer.values.length > 0 && !listCovered(outer.values, i.values)) return false;
    if (outer.notValues !== undefined && outer.notValues.length > 0 && !(i.notValues !== undefined && outer.notValues.every((o) => i.notValues!.some((x) => patternCovers(x, o))))) return false;
    return true;
  });
}

export function ruleCovers(outer: Rule, inner: Rule): boolean {
  if (!entriesCover<{ source?: Source | undefined }>(outer.from, inner.from, (e) => (e.source ?? {}) as Fields)) return false;
  if (!entriesCover<{ operation?: Operation | undefined }>(outer.to, inner.to, (e) => (e.operation ?? {}) as Fields)) return false;
  return (outer.when ?? []).every((c) => conditionImplied(c, inner.when ?? []));
}
