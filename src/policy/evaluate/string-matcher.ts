// Istio's string value matching (pilot/pkg/security/authz/matcher): `abc` exact, `abc*` prefix,
// `*abc` suffix, `*` presence, any other `*` literal; compiled once into string-test nodes
// (predicate.ts) that an attribute node applies to its value.
import { type Pred, regex, str, T } from './predicate.js';

/**
 * `matcher.StringMatcherWithPrefix(v, prefix)`: `*` -> regex `.+`; `*x` -> suffix (or regex
 * `prefix.*x` when a prefix is set); `x*` -> prefix `prefix+x`; else exact `prefix+v`.
 */
export function istioString(v: string, prefix = ''): Pred {
  if (v === '*') return str(T.NON_EMPTY);
  if (v.startsWith('*')) {
    const rest = v.slice(1);
    if (prefix === '') return str(T.SUFFIX, rest);
    return str(T.PREFIX_SUFFIX, prefix, rest, prefix.length + rest.length);
  }
  if (v.endsWith('*')) return str(T.PREFIX, prefix + v.slice(0, -1));
  return str(T.EXACT, prefix + v);
}

/**
 * Header-style matching (`matcher.HeaderMatcher` / `HostMatcher`): `*` means present (any value, even
 * empty); otherwise prefix/suffix/exact on the value, case-insensitive for hosts.
 */
export function headerString(v: string, ignoreCase: boolean): Pred {
  if (v === '*') return str(T.ANY);
  if (v.startsWith('*')) return ignoreCase ? str(T.SUFFIX_I, v.slice(1).toLowerCase()) : str(T.SUFFIX, v.slice(1));
  if (v.endsWith('*')) return ignoreCase ? str(T.PREFIX_I, v.slice(0, -1).toLowerCase()) : str(T.PREFIX, v.slice(0, -1));
  return ignoreCase ? str(T.EXACT_I, v.toLowerCase()) : str(T.EXACT, v);
}

/** ztunnel `stringToMatch`: exact, `x*` prefix, `*x` suffix, `*` presence. */
export function ztunnelString(v: string): Pred {
  if (v === '*') return str(T.NON_EMPTY);
  if (v.startsWith('*')) return str(T.SUFFIX, v.slice(1));
  if (v.endsWith('*')) return str(T.PREFIX, v.slice(0, -1));
  return str(T.EXACT, v);
}

/** A full-match regular expression (Envoy safe_regex); an invalid one never matches. */
export { regex };

/** RE2/Go `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
