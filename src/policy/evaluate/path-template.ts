// Envoy URI-template path matching for AuthorizationPolicy `paths` with `{*}` / `{**}` (Istio 1.22+,
// pilot/pkg/security/authz/matcher/template.go): `{*}` is one non-empty segment of RFC 3986 pchars,
// `{**}` any run of pchars and `/` (possibly empty). Full match against the path without query.
import type { Pred } from './predicate.js';
import { quoteMeta, regex } from './string-matcher.js';

const ONE = '{*}';
const ANY = '{**}';
const PCHAR = "A-Za-z0-9\\-._~%!$&'()+,;:@=";

/** `security.ContainsPathTemplate`. */
export function containsPathTemplate(value: string): boolean {
  return value.includes(ONE) || value.includes(ANY);
}

export function pathTemplate(template: string): Pred {
  let source = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith(ANY, i)) {
      source += `[${PCHAR}/]*`;
      i += ANY.length;
    } else if (template.startsWith(ONE, i)) {
      source += `[${PCHAR}]+`;
      i += ONE.length;
    } else {
      source += quoteMeta(template[i] as string);
      i += 1;
    }
  }
  return regex(source);
}
