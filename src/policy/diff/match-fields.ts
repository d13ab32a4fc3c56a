// The fields a diff `match` is written in (AuthorizationPolicy names: `principals`, `paths`, `when` keys,
// ...) and what each one tests, with the evaluator's own matchers (istio-authz.md §2.4-§2.8). One
// table serves three uses: atoms collected from policies, rendering cells back into a match, and
// `classContains` reading a match. Pure; no policy knowledge beyond string/IP/identity matching.
import { cidrContains, type IpAddress, parseCidr } from '../evaluate/ip-matcher.js';
import { containsPathTemplate, pathTemplate } from '../evaluate/path-template.js';
import { type Pred, str, T, testString } from '../evaluate/predicate.js';
import type { PeerIdentity } from '../evaluate/request-attributes.js';
import { headerString, istioString, quoteMeta, regex } from '../evaluate/string-matcher.js';

/** A dimension of the request space: `port`, `identity`, `ip:source`, `path`, `header:x-k`, `claim:["groups"]`... */
export type DimKey = string;

/** The value a request has in one dimension (undefined: absent). */
export type DimValue = number | string | string[] | PeerIdentity | IpAddress | undefined;

export type ValueTest = (v: DimValue) => boolean;

export interface FieldInfo {
  readonly dim: DimKey;
  readonly test: (pattern: string) => ValueTest;
}

function onString(p: Pred): ValueTest {
  return (v) => typeof v === 'string' && testString(p, v);
}

function onUri(p: Pred): ValueTest {
  return (v) => v !== undefined && typeof v === 'object' && 'uri' in v && testString(p, v.uri);
}

function uriRegex(source: string): ValueTest {
  return onUri(regex(source));
}

/** Envoy semantics of `namespaces` / `source.namespace` (regex over the peer URI when `*` appears). */
function namespaceTest(v: string): ValueTest {
  if (!v.includes('*')) return (x) => x !== undefined && typeof x === 'object' && 'uri' in x && x.uri.includes(`/ns/${v}/`);
  const parts = v.split('*');
  const full = uriRegex(`.*/ns/${parts.map(quoteMeta).join('.*')}/.*`);
  // The regex needs `/ns/<first part>` and every literal part: test those first (cheap, and most fail).
  const first = `/ns/${parts[0] ?? ''}`;
  return (x) => x !== undefined && typeof x === 'object' && 'uri' in x && x.uri.includes(first) && parts.every((p) => x.uri.includes(p)) && full(x);
}

/** `serviceAccounts` value `ns/sa` (a bare `sa` must be qualified before). */
function serviceAccountTest(v: string): ValueTest {
  const slash = v.indexOf('/');
  const ns = slash >= 0 ? v.slice(0, slash) : '';
  const sa = slash >= 0 ? v.slice(slash + 1) : v;
  const full = uriRegex(`spiffe://.+/ns/${quoteMeta(ns)}/(.+/|)sa/${quoteMeta(sa)}(/.+)?`);
  // The regex needs both segments: test them first (cheap, and most identities fail).
  const nsPart = `/ns/${ns}/`;
  const saPart = `sa/${sa}`;
  return (x) => x !== undefined && typeof x === 'object' && 'uri' in x && x.uri.includes(nsPart) && x.uri.includes(saPart) && full(x);
}

function trustDomainTest(v: string): ValueTest {
  if (v === '*') return onUri(str(T.PREFIX, 'spiffe://'));
  if (!v.includes('*')) return onUri(str(T.PREFIX, `spiffe://${v}/`));
  const star = v.indexOf('*');
  return uriRegex(`spiffe://${quoteMeta(v.slice(0, star))}[^/]*${quoteMeta(v.slice(star + 1))}/.*`);
}

function ipTest(v: string): ValueTest {
  const range = parseCidr(v);
  if (range === undefined) return () => false;
  return (x) => x !== undefined && typeof x === 'object' && 'v6n' in x && cidrContains(range, x);
}

function portTest(v: string): ValueTest {
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return (x) => x === n;
}

function pathTest(v: string): ValueTest {
  return onString(containsPathTemplate(v) ? pathTemplate(v) : istioString(v));
}

/** Claim values: a string or a list of strings; matches when any element matches. */
function claimTest(v: string): ValueTest {
  const p = istioString(v);
  return (x) => Array.isArray(x) && x.some((e) => testString(p, e));
}

const FIXED: Readonly<Record<string, FieldInfo>> = {
  ports: { dim: 'port', test: portTest },
  principals: { dim: 'identity', test: (v) => onUri(istioString(v, 'spiffe://')) },
  namespaces: { dim: 'identity', test: namespaceTest },
  serviceAccounts: { dim: 'identity', test: serviceAccountTest },
  trustDomains: { dim: 'identity', test: trustDomainTest },
  ipBlocks: { dim: 'ip:source', test: ipTest },
  remoteIpBlocks: { dim: 'ip:remote', test: ipTest },
  'destination.ip': { dim: 'ip:destination', test: ipTest },
  'connection.sni': { dim: 'sni', test: (v) => onString(istioString(v)) },
  methods: { dim: 'method', test: (v) => onString(headerString(v, false)) },
  paths: { dim: 'path', test: pathTest },
  hosts: { dim: 'host', test: (v) => onString(headerString(v, true)) },
  'request.headers[:authority]': { dim: 'host', test: (v) => onString(headerString(v, false)) },
};

/** `request.auth.claims[a][b]` -> `["a","b"]`; undefined when the key is not in bracket form. */
export function claimPath(key: string): string[] | undefined {
  const rest = key.slice('request.auth.claims'.length);
  const parts = [...rest.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] as string);
  if (parts.length === 0 || parts.map((p) => `[${p}]`).join('') !== rest) return undefined;
  return parts;
}

export function claimDim(path: readonly string[]): DimKey {
  return `claim:${JSON.stringify(path)}`;
}

export function claimField(path: readonly string[]): string {
  if (path.length === 1 && path[0] === 'aud') return 'request.auth.audiences';
  if (path.length === 1 && path[0] === 'azp') return 'request.auth.presenter';
  return `request.auth.claims${path.map((p) => `[${p}]`).join('')}`;
}

/** The field's dimension and test, or undefined for a field a match never uses. */
export function fieldInfo(field: string): FieldInfo | undefined {
  const fixed = FIXED[field];
  if (fixed !== undefined) return fixed;
  if (field === 'request.auth.audiences') return { dim: claimDim(['aud']), test: claimTest };
  if (field === 'request.auth.presenter') return { dim: claimDim(['azp']), test: claimTest };
  if (field.startsWith('request.auth.claims')) {
    const path = claimPath(field);
    return path === undefined ? undefined : { dim: claimDim(path), test: claimTest };
  }
  if (field.startsWith('request.headers[') && field.endsWith(']')) {
    const name = field.slice('request.headers['.length, -1).toLowerCase();
    if (name === ':method') return { dim: 'method', test: (v) => onString(headerString(v, false)) };
    return { dim: `header:${name}`, test: (v) => onString(headerString(v, false)) };
  }
  return undefined;
}

/** Where a field is written in a match: the source part, the operation part, `ports`, or `when`. */
export function fieldPlace(field: string): 'from' | 'to' | 'ports' | 'when' {
  if (field === 'ports') return 'ports';
  if (['principals', 'namespaces', 'serviceAccounts', 'trustDomains', 'ipBlocks', 'remoteIpBlocks'].includes(field)) return 'from';
  if (['methods', 'paths', 'hosts'].includes(field)) return 'to';
  return 'when';
}

export function notField(field: string): string {
  return `not${field[0]?.toUpperCase() ?? ''}${field.slice(1)}`;
}
