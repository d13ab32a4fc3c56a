// A request as the diff sees it: its value in every dimension of the request space (destination
// port, protocol, caller identity, addresses, HTTP fields after normalization, token state and JWT
// claims), resolved the way evaluateRequest resolves them against one compiled mesh. Used to place a
// request in a class (`classContains`); it decides nothing itself.
import type { AccessRequest, Protocol } from '../evaluate/access-request.js';
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import { parseIp, type IpAddress } from '../evaluate/ip-matcher.js';
import { normalizePath } from '../evaluate/path-normalization.js';
import { inferProtocol } from '../evaluate/protocol-inference.js';
import { peerFor, peerFromPrincipal, type PeerIdentity } from '../evaluate/request-attributes.js';
import type { DimKey, DimValue } from './match-fields.js';

export const ALWAYS_SPLIT_CLAIMS = ['scope', 'permission'];

export interface RequestView {
  readonly port: number | undefined;
  readonly protocol: Protocol;
  readonly identity: PeerIdentity | undefined;
  readonly sourceIp: IpAddress | undefined;
  readonly remoteIp: IpAddress | undefined;
  readonly destinationIp: IpAddress | undefined;
  readonly sni: string;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly host: string | undefined;
  readonly headers: ReadonlyMap<string, string>;
  /** `absent`, or `valid@header:authorization`, `invalid@param:access_token`, ... (HTTP only). */
  readonly token: string | undefined;
  readonly payload: Readonly<Record<string, unknown>> | undefined;
  /** The proxy answers before any policy runs (400: `%00` in the path, whitespace in a header name). */
  readonly rejected: boolean;
  readonly splitClaims: ReadonlySet<string>;
}

/** The caller's mTLS identity as evaluateRequest resolves `from` (undefined: plaintext). */
export function callerIdentity(compiled: CompiledMesh, request: AccessRequest): PeerIdentity | undefined {
  const from = request.from;
  if (from === undefined) return undefined;
  if ('principal' in from) return peerFromPrincipal(from.principal);
  if ('workload' in from) {
    const w = compiled.workloads.get(`${from.namespace}/${from.workload}`);
    if (w === undefined) return peerFor(compiled.trustDomain, from.namespace, 'default');
    return w.dataplane === 'none' ? undefined : w.peer;
  }
  return undefined;
}

function tokenLocation(jwt: { header?: string | undefined; param?: string | undefined }): string {
  const header = jwt.header?.toLowerCase() ?? (jwt.param === undefined ? 'authorization' : undefined);
  return header !== undefined ? `header:${header}` : `param:${jwt.param ?? ''}`;
}

export function viewRequest(compiled: CompiledMesh, target: ProxyTarget, request: AccessRequest, splitClaims: ReadonlySet<string>): RequestView {
  const protocol = request.to.protocol ?? inferProtocol(compiled.servicesByNamespace.get(target.namespace), target, request).protocol;
  const http = protocol !== 'tcp';
  const ipText = (request.from !== undefined ? request.from.ip : undefined) ?? request.sourceIp;
  const sourceIp = ipText === undefined ? undefined : parseIp(ipText);
  const remoteIp = request.remoteIp === undefined ? sourceIp : parseIp(request.remoteIp);
  const destinationIp = request.destinationIp === undefined ? undefined : parseIp(request.destinationIp);
  let rejected = false;
  let method: string | undefined;
  let path: string | undefined;
  // The host names the addressed Service on any protocol (ambient waypoint routing); rules read it on HTTP only.
  const host = request.host;
  const headers = new Map<string, string>();
  let token: string | undefined;
  let payload: Record<string, unknown> | undefined;
  if (http) {
    method = request.method ?? (protocol === 'grpc' ? 'POST' : 'GET');
    const normalized = normalizePath(request.path ?? '/', compiled.mesh.meshConfig.pathNormalization);
    if (normalized.rejected !== undefined) rejected = true;
    path = normalized.path;
    for (const [k, v] of Object.entries(request.headers ?? {})) {
      if (/\s/.test(k)) rejected = true;
      const name = k.toLowerCase();
      const value = Array.isArray(v) ? v.join(',') : v;
      const prev = headers.get(name);
      headers.set(name, prev === undefined ? value : `${prev},${value}`);
    }
    if (host !== undefined) headers.delete('host');
    const jwt = request.jwt;
    if (jwt === undefined) token = 'absent';
    else if (jwt === 'invalid') token = 'invalid@header:authorization';
    else {
      token = `valid@${tokenLocation(jwt)}`;
      payload = {};
      for (const [k, v] of Object.entries(jwt)) if (k !== 'header' && k !== 'param' && k !== 'claims' && v !== undefined) payload[k] = v;
      for (const [k, v] of Object.entries(jwt.claims ?? {})) if (!(k in payload)) payload[k] = v;
    }
  }
  return { port: request.to.port, protocol, identity: callerIdentity(compiled, request), sourceIp, remoteIp, destinationIp, sni: request.sni ?? '', method, path, host, headers, token, payload, rejected, splitClaims };
}

function claimValue(view: RequestView, path: readonly string[]): string[] {
  let cur: unknown = view.payload;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return [];
    cur = (cur as Record<string, unknown>)[p];
  }
  if (typeof cur === 'string') {
    if (path.length === 1 && view.splitClaims.has(path[0] as string)) return cur.split(/\s+/).filter((s) => s !== '');
    return [cur];
  }
  if (path.length === 1 && ['iss', 'sub', 'azp'].includes(path[0] as string)) return [];
  if (Array.isArray(cur)) return cur.filter((e): e is string => typeof e === 'string');
  return [];
}

/** The request's value in one dimension. */
export function dimValue(view: RequestView, dim: DimKey): DimValue {
  switch (dim) {
    case 'port':
      return view.port;
    case 'identity':
      return view.identity;
    case 'ip:source':
      return view.sourceIp;
    case 'ip:remote':
      return view.remoteIp;
    case 'ip:destination':
      return view.destinationIp;
    case 'sni':
      return view.sni;
    case 'method':
      return view.method;
    case 'path':
      return view.path;
    case 'host':
      return view.host;
    default:
      if (dim.startsWith('header:')) return view.headers.get(dim.slice('header:'.length));
      if (dim.startsWith('claim:')) return claimValue(view, JSON.parse(dim.slice('claim:'.length)) as string[]);
      return undefined;
  }
}
