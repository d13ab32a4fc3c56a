// The attributes one proxy sees for one request (request-attributes.ts): addresses parsed, the HTTP
// method defaulted, the path normalized as MeshConfig says (a path Envoy rejects is a 400), headers
// behind a lazy map. Derived values (normalized paths) are memoized; addresses are parsed only when a
// rule may read them.
import type { AccessRequest, Protocol } from './access-request.js';
import type { CompiledMesh } from './compile-mesh.js';
import { type IpAddress, parseIp } from './ip-matcher.js';
import { type NormalizedPath, normalizePath, type PathNormalizationMode } from './path-normalization.js';
import type { PeerIdentity, RequestAttributes } from './request-attributes.js';
import { RequestHeaders } from './request-headers.js';

export interface BaseAttributes {
  readonly attrs: RequestAttributes;
  /** Why Envoy rejects the request before any filter (400), if it does. */
  readonly rejected?: string;
}

const EMPTY_HEADERS: ReadonlyMap<string, string> = new Map();
const WHITESPACE = /\s/;
const MEMO_LIMIT = 4096;
const pathMemo = new Map<PathNormalizationMode, Map<string, NormalizedPath>>();

/** `normalizePath`, memoized per mode (results are immutable values). */
function normalizedPath(raw: string, mode: PathNormalizationMode): NormalizedPath {
  let memo = pathMemo.get(mode);
  if (memo === undefined) pathMemo.set(mode, (memo = new Map()));
  const hit = memo.get(raw);
  if (hit !== undefined) return hit;
  const normalized = normalizePath(raw, mode);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(raw, normalized);
  return normalized;
}

/** The attributes a proxy sees; `readsIps` false: no rule reads an address, so none is parsed (all undefined). */
export function buildAttributes(compiled: CompiledMesh, request: AccessRequest, protocol: Protocol, peer: PeerIdentity | undefined, readsIps: boolean, port: number | undefined = request.to.port): BaseAttributes {
  const http = protocol !== 'tcp';
  let sourceIp: IpAddress | undefined;
  let remoteIp: IpAddress | undefined;
  let destinationIp: IpAddress | undefined;
  if (readsIps) {
    const sourceIpText = (request.from !== undefined ? request.from.ip : undefined) ?? request.sourceIp;
    sourceIp = sourceIpText === undefined ? undefined : parseIp(sourceIpText);
    remoteIp = request.remoteIp === undefined ? sourceIp : parseIp(request.remoteIp);
    destinationIp = request.destinationIp === undefined ? undefined : parseIp(request.destinationIp);
  }
  let method: string | undefined;
  let path: string | undefined;
  let host: string | undefined;
  let headers = EMPTY_HEADERS;
  let rejected: string | undefined;
  if (http) {
    method = request.method ?? (protocol === 'grpc' ? 'POST' : 'GET');
    const raw = request.path ?? '/';
    const normalized = normalizedPath(raw, compiled.mesh.meshConfig.pathNormalization);
    if (normalized.rejected !== undefined) rejected = normalized.rejected;
    path = normalized.path;
    host = request.host;
    if (request.headers !== undefined) {
      for (const k in request.headers) {
        if (WHITESPACE.test(k)) {
          rejected ??= `header name ${JSON.stringify(k)} contains whitespace (Envoy answers 400)`;
          break;
        }
      }
    }
    headers = new RequestHeaders(request.headers, method, raw, path, host);
  }
  return {
    attrs: { http, peer, sourceIp, remoteIp, destinationIp, port, sni: request.sni, method, path, host, headers, jwt: undefined },
    rejected,
  };
}

/**
 * What the destination ztunnel sees of a connection that a waypoint forwards: L4 only, the waypoint's
 * identity `peer`, no source or remote address (the waypoint's own), the request's destination address,
 * port and SNI.
 */
export function attributesFromWaypoint(request: AccessRequest, peer: PeerIdentity, readsIps: boolean): RequestAttributes {
  const destinationIp = readsIps && request.destinationIp !== undefined ? parseIp(request.destinationIp) : undefined;
  return { http: false, peer, sourceIp: undefined, remoteIp: undefined, destinationIp, port: request.to.port, sni: request.sni, method: undefined, path: undefined, host: undefined, headers: EMPTY_HEADERS, jwt: undefined };
}
