// Value checks of istio/istio pkg/config/security/security.go, one value at a time: IPs and CIDRs
// (ValidateIPs), ports (ValidatePorts), service accounts (CheckServiceAccount), wildcard and trust-domain
// values (CheckWildcardValues, CheckTrustDomainValues), path templates (CheckValidPathTemplate) and
// `when` keys (ValidateAttribute, validateMapKey). Each returns a problem description (what is wrong and
// how to fix it) or undefined. Pure; regexes are compiled once.
import { goParseAddr, goParsePrefix } from './go/netip.js';
import { goParseUint } from './go/strconv.js';

/** ValidateIPs for one value: `/` means CIDR (netip.ParsePrefix), else an address (netip.ParseAddr). */
export function checkIpValue(value: string): { kind: 'cidr' | 'ip'; problem: string } | undefined {
  if (value.includes('/')) {
    const err = goParsePrefix(value);
    return err === undefined ? undefined : { kind: 'cidr', problem: `bad CIDR range (${value}): ${err}; write an address and prefix length such as 10.0.0.0/8 or 2001:db8::/32 (no leading zeros, no IPv6 zone)` };
  }
  const err = goParseAddr(value);
  return err === undefined ? undefined : { kind: 'ip', problem: `bad IP address (${value}): ${err}; write a single IPv4 or IPv6 address such as 10.1.2.3, or a CIDR such as 10.1.0.0/16` };
}

/** ValidatePorts for one value: strconv.ParseUint(v, 10, 32) and at most 65535. */
export function checkPortValue(value: string): string | undefined {
  const parsed = goParseUint(value, 32);
  if ('error' in parsed) return `bad port (${value}): ${parsed.error}; write the port as a decimal number from 0 to 65535, e.g. "8080" (port names are not supported)`;
  if (parsed.value > 65535n) return `bad port (${value}): greater than 65535; use a port number from 0 to 65535`;
  return undefined;
}

/** Byte length in UTF-8, as Go's len(string). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** CheckServiceAccount for one (non-empty) value. */
export function checkServiceAccountValue(value: string): string | undefined {
  const format = "expected format 'serviceAccount' or 'namespace/serviceAccount'";
  if (value.includes('*')) return `wildcard not allowed in ${JSON.stringify(value)}: service accounts match exactly; list each one, or use principals/namespaces for patterns`;
  const slashes = value.split('/').length - 1;
  if (slashes > 1) return `${format}, found ${JSON.stringify(value)}; write "namespace/name" or just "name" (meaning the policy's namespace)`;
  if (utf8Length(value) > 320) return `value cannot exceed 320 characters, found ${JSON.stringify(value)}`;
  if (slashes === 1) {
    const [ns, sa] = value.split('/');
    if (ns === '') return `${format}, found empty namespace in ${JSON.stringify(value)}; write "namespace/name"`;
    if (sa === '') return `${format}, found empty serviceAccount in ${JSON.stringify(value)}; write "namespace/name"`;
  }
  return undefined;
}

/** CheckWildcardValues for one (non-empty) value: at most one `*`, only at the start or end. */
export function checkWildcardValue(value: string): string | undefined {
  let count = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 42) count++;
  if (count > 1) return `at most one wildcard is allowed, found ${JSON.stringify(value)}; use a single * at the start (suffix match) or the end (prefix match)`;
  if (count === 1 && value !== '*' && !value.startsWith('*') && !value.endsWith('*')) {
    return `wildcard is only allowed at the start or end, found ${JSON.stringify(value)}; use a prefix (foo*) or suffix (*foo) match`;
  }
  return undefined;
}

/** CheckTrustDomainValues for one (non-empty) value. */
export function checkTrustDomainValue(value: string): string | undefined {
  const wildcard = checkWildcardValue(value);
  if (wildcard !== undefined) return wildcard;
  if (value.includes('/')) return `trust domain must not contain '/', found ${JSON.stringify(value)}; write only the trust domain (e.g. cluster.local), or use principals for full identities`;
  return undefined;
}

const MATCH_ONE = '{*}';
const MATCH_ANY = '{**}';
const VALID_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;
const BRACES = /[{}]/;

/** CheckValidPathTemplate for one path. */
export function checkPathTemplate(original: string): string | undefined {
  const containsTemplate = original.includes(MATCH_ONE) || original.includes(MATCH_ANY);
  let start = 0;
  let end = original.length;
  while (start < end && original.charCodeAt(start) === 47) start++;
  while (end > start && original.charCodeAt(end - 1) === 47) end--;
  const path = original.slice(start, end);
  let foundAny = false;
  for (const glob of path.split('/')) {
    if (glob === MATCH_ONE && !foundAny) continue;
    if (glob === MATCH_ANY && !foundAny) {
      foundAny = true;
      continue;
    }
    if ((glob === MATCH_ANY || glob === MATCH_ONE) && foundAny) {
      return `invalid or unsupported path ${JSON.stringify(original)}: {**} is not the last operator; a template may have at most one {**} and no {*} after it (e.g. /foo/{*}/bar/{**})`;
    }
    if (BRACES.test(glob)) {
      return `invalid or unsupported path ${JSON.stringify(original)}: contains '{' or '}' beyond a supported path template; templates are whole segments {*} or {**} (e.g. /foo/{*}/bar, not /foo/{*}.txt)`;
    }
    if (containsTemplate && !VALID_LITERAL.test(glob)) {
      return `invalid or unsupported path ${JSON.stringify(original)}: segment ${JSON.stringify(glob)} is not a valid literal in a path template (no *, no empty segments such as //, only RFC 3986 path characters); use {*} or {**} instead of *`;
    }
  }
  return undefined;
}

/** validateMapKey: `a[b]` with `[` after the first character, `]` last, and something in between. */
export function isMapKey(key: string): boolean {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2;
}

/** How ValidateAttribute treats a `when` key. */
export type AttributeKind =
  | 'map-key'
  | 'ip'
  | 'service-account'
  | 'trust-domain'
  | 'port'
  | 'any'
  | { readonly unsupported: string };

const ANY_KEYS = new Set(['source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'connection.sni']);
const IP_KEYS = new Set(['source.ip', 'remote.ip', 'destination.ip']);

/** The switch of ValidateAttribute, in its order (prefix matches are plain string prefixes, as in Go). */
export function classifyAttribute(key: string): AttributeKind {
  if (key.startsWith('request.headers')) return 'map-key';
  if (IP_KEYS.has(key)) return 'ip';
  if (key === 'source.serviceAccount') return 'service-account';
  if (key === 'source.trustDomain') return 'trust-domain';
  if (ANY_KEYS.has(key)) return 'any';
  if (key.startsWith('request.auth.claims')) return 'map-key';
  if (key === 'destination.port') return 'port';
  if (key.startsWith('experimental.envoy.filters.')) return 'map-key';
  if (key === 'destination.namespace') return { unsupported: `attribute ${key} is replaced by the metadata.namespace: create the policy in the destination namespace instead` };
  if (key.startsWith('destination.labels')) return { unsupported: `attribute ${key} is replaced by the workload selector: use spec.selector.matchLabels instead` };
  if (key === 'destination.name' || key === 'destination.user') return { unsupported: `deprecated attribute ${key}: only supported in v1alpha1; select the workload with spec.selector instead` };
  return {
    unsupported: `unknown attribute: ${key}; supported keys are request.headers[<name>], source.ip, remote.ip, source.namespace, source.principal, source.serviceAccount, source.trustDomain, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[<claim>], destination.ip, destination.port, connection.sni, experimental.envoy.filters.<filter>[<key>] (keys are case-sensitive)`,
  };
}
