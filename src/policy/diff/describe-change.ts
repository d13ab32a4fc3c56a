// One line a reviewer would write for a change: "group release-managers may now POST /api/builds on
// builds/build-trigger", "bar/sleep may no longer GET /admin* on foo/httpbin". Reads only the match;
// the match and witness stay the precise statement.
import type { DecisionKind } from '../evaluate/decision.js';
import type { DiffMatch } from './diff-match.js';

export type ChangeKind = 'granted' | 'revoked' | 'changed';

export function changeKind(before: DecisionKind, after: DecisionKind): ChangeKind {
  const denied = (d: DecisionKind): boolean => d === 'DENY' || d === 'UNAUTHENTICATED';
  if (denied(before) && after === 'ALLOW') return 'granted';
  if (before === 'ALLOW' && denied(after)) return 'revoked';
  return 'changed';
}

function list(all: readonly string[]): string {
  const xs = [...new Set(all)];
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1] ?? ''}`;
}

function principalName(p: string): string {
  const m = /^[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(p);
  return m !== null ? `${m[1]}/${m[2]}` : p;
}

function who(m: DiffMatch): string {
  const parts: string[] = [];
  const from = m.from ?? {};
  const when = new Map(m.when.map((c) => [c.key, c]));
  const groups = when.get('request.auth.claims[groups]');
  if (groups?.values !== undefined) parts.push(`group${groups.values.length > 1 ? 's' : ''} ${list(groups.values)}`);
  const sub = when.get('request.auth.claims[sub]');
  if (sub?.values !== undefined && !sub.values.includes('*')) parts.push(`user ${list(sub.values)}`);
  // A user or group reached through a proxy (an ingress gateway) reads "group x through ns/gateway".
  const endUser = parts.length > 0;
  const principals = (from['principals'] ?? []).filter((p) => p !== '*');
  if (principals.length > 0) parts.push(`${endUser ? 'through ' : ''}${list(principals.map(principalName))}`);
  else if (from['principals'] !== undefined) parts.push('mTLS callers');
  if (from['serviceAccounts'] !== undefined) parts.push(list(from['serviceAccounts']));
  if (from['namespaces'] !== undefined) parts.push(`namespace ${list(from['namespaces'])}`);
  if (from['notPrincipals']?.includes('*') === true) parts.push('plaintext clients');
  else if (from['notPrincipals'] !== undefined || from['notNamespaces'] !== undefined || from['notServiceAccounts'] !== undefined) {
    const not = [...(from['notPrincipals'] ?? []).map(principalName), ...(from['notNamespaces'] ?? []).map((n) => `namespace ${n}`), ...(from['notServiceAccounts'] ?? [])];
    // "mTLS callers other than ci/runner", not "mTLS callers callers other than ...".
    parts.push(`${parts.length > 0 ? 'other than' : 'callers other than'} ${list(not)}`);
  }
  const token = tokenPhrase(m, endUser);
  if (token !== undefined) parts.push(parts.length === 0 ? `requests ${token}` : token);
  if (from['ipBlocks'] !== undefined) parts.push(`from ${list(from['ipBlocks'])}`);
  return parts.length > 0 ? parts.join(' ') : 'anyone';
}

/** Claims a condition requires to be absent (`notValues: ["*"]` and no values): "a token without `sub`". */
function missingClaims(m: DiffMatch): string[] {
  const out: string[] = [];
  for (const c of m.when) {
    if (c.values !== undefined || c.notValues?.includes('*') !== true) continue;
    const claim = c.key === 'request.auth.audiences' ? 'aud' : c.key === 'request.auth.presenter' ? 'azp' : /^request\.auth\.claims\[(.*)\]$/.exec(c.key)?.[1]?.replaceAll('][', '.');
    if (claim !== undefined) out.push(`\`${claim}\``);
  }
  return out;
}

/**
 * What the class says of the caller's token, in words (the match's `token` states are exact but
 * terse): without one (or with one where no jwtRule looks), with an invalid one, with one from an
 * issuer, with one lacking a claim.
 */
function tokenPhrase(m: DiffMatch, endUser: boolean): string | undefined {
  const without = missingClaims(m);
  const lacking = without.length > 0 ? ` without ${list(without)}` : '';
  const states = m.token?.in;
  if (states === undefined) return lacking === '' ? undefined : `with a token${lacking}`;
  const none = (s: string): boolean => s === 'absent' || s === 'valid@elsewhere';
  const read = (s: string): boolean => s.startsWith('valid@') && s !== 'valid@elsewhere';
  if (states.every(none)) return 'without a token';
  if (states.every((s) => s.startsWith('invalid'))) return 'with an invalid token';
  if (states.every(read)) {
    // The issuer and audiences say whether the workload accepts the token: say them.
    const iss = m.when.find((c) => c.key === 'request.auth.claims[iss]');
    const aud = m.when.find((c) => c.key === 'request.auth.audiences');
    const from = iss?.values !== undefined ? ` from ${list(iss.values)}` : iss?.notValues !== undefined && !iss.notValues.includes('*') ? ` from an issuer other than ${list(iss.notValues)}` : '';
    const to = aud?.values !== undefined ? ` for ${list(aud.values)}` : aud?.notValues !== undefined && !aud.notValues.includes('*') ? ` not for ${list(aud.notValues)}` : '';
    if (from !== '' || to !== '') return `with a token${from}${to}${lacking}`;
    if (endUser && lacking === '') return undefined;
    return `with a valid token${lacking}`;
  }
  if (states.every((s) => none(s) || s.startsWith('invalid'))) return 'without a valid token';
  return undefined;
}

/** Host patterns as a reader says them: the spellings of one Service name (`x.ns`, `x.ns:*`, `x.ns.`, `x.ns.svc.*`) are one host. */
function hostList(patterns: readonly string[]): string {
  return list(patterns.map((h) => h.replace(/:\*$/, '').replace(/\.$/, '').replace(/\.svc(\.\*)?$/, '')));
}

function what(m: DiffMatch): string {
  const to = m.to ?? {};
  const tcpOnly = m.protocols !== undefined && m.protocols.every((p) => p === 'tcp');
  const ports = m.ports !== undefined ? ` on port ${list(m.ports)}` : to['notPorts'] !== undefined ? ` on ports other than ${list(to['notPorts'])}` : '';
  const hosts = to['hosts'] !== undefined ? ` for host ${hostList(to['hosts'])}` : '';
  if (tcpOnly) return `open TCP connections${hosts}${ports}`;
  const methods = to['methods'] !== undefined ? list(to['methods']) : to['notMethods'] !== undefined ? `use methods other than ${list(to['notMethods'])}` : 'send';
  const paths = to['paths'] !== undefined ? ` ${list(to['paths'])}` : to['notPaths'] !== undefined ? ` paths other than ${list(to['notPaths'])}` : to['methods'] !== undefined ? ' any path' : ' requests';
  return `${methods}${paths}${hosts}${ports}`;
}

/** `onlyIn`: the workload exists in that mesh only (a new one, or one removed). */
export function describeChange(workload: { namespace: string; name: string }, before: DecisionKind, after: DecisionKind, m: DiffMatch, onlyIn?: 'before' | 'after'): string {
  const on = `${workload.namespace}/${workload.name}${onlyIn === 'after' ? ' (new)' : onlyIn === 'before' ? ' (removed)' : ''}`;
  const kind = changeKind(before, after);
  if (kind === 'granted') return `${who(m)} may now ${what(m)} on ${on}`;
  if (kind === 'revoked') return `${who(m)} may no longer ${what(m)} on ${on}`;
  return `${who(m)} ${what(m)} on ${on}: ${before} before, ${after} now`;
}
