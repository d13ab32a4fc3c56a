// The request that stands for a class of the diff: per dimension, the representative value of the
// class's cell (request-space.ts), written in the `gic check` shape (a JWT with its claims, IPs as
// text, headers). Also which dimensions apply once the protocol and token are known, and which cell of
// a group reads best in a witness. Pure.
import type { AccessRequest, JwtClaims } from '../evaluate/access-request.js';
import type { ProxyTarget } from '../evaluate/compile-mesh.js';
import type { IpAddress } from '../evaluate/ip-matcher.js';
import type { PeerIdentity } from '../evaluate/request-attributes.js';
import { type Dim, ipText, OTHER_LOCATION } from './request-space.js';

function jwtOf(dims: readonly Dim[], cells: readonly number[]): AccessRequest['jwt'] {
  const ti = dims.findIndex((d) => d.key === 'token');
  if (ti < 0 || (cells[ti] ?? -1) < 0) return undefined;
  const token = dims[ti]?.cells[cells[ti] as number]?.key ?? 'absent';
  if (token === 'absent') return undefined;
  if (token.startsWith('invalid')) return 'invalid';
  const loc = token.slice('valid@'.length);
  const jwt: Record<string, unknown> = {};
  if (loc === OTHER_LOCATION) jwt['header'] = 'x-gic-token';
  else if (loc.startsWith('param:')) jwt['param'] = loc.slice('param:'.length);
  else if (loc !== 'header:authorization') jwt['header'] = loc.slice('header:'.length);
  const claims: Record<string, unknown> = {};
  dims.forEach((d, i) => {
    if (!d.key.startsWith('claim:') || (cells[i] ?? -1) < 0) return;
    const path = JSON.parse(d.key.slice('claim:'.length)) as string[];
    const rep = d.cells[cells[i] as number]?.rep as string[];
    if (rep.length === 0) return;
    const top = path.length === 1 ? path[0] : undefined;
    if (top === 'iss' || top === 'sub' || top === 'azp') jwt[top] = rep[0];
    else if (top === 'aud') jwt['aud'] = rep;
    else {
      let cur = claims;
      path.slice(0, -1).forEach((p) => {
        const next = (cur[p] ??= {}) as Record<string, unknown>;
        cur = next;
      });
      cur[path[path.length - 1] as string] = rep;
    }
  });
  if (Object.keys(claims).length > 0) jwt['claims'] = claims;
  return jwt as JwtClaims;
}

/** The representative request of one class. */
export function requestOf(t: ProxyTarget, dims: readonly Dim[], cells: readonly number[], groups?: readonly (ReadonlySet<number> | readonly number[] | null)[]): AccessRequest {
  const rep = (key: string): unknown => {
    const i = dims.findIndex((d) => d.key === key);
    if (i < 0 || (cells[i] ?? -1) < 0) return undefined;
    return dims[i]?.cells[cells[i] as number]?.rep;
  };
  const protocol = rep('protocol') as 'http' | 'grpc' | 'tcp';
  const identity = rep('identity') as PeerIdentity | undefined;
  const req: Record<string, unknown> = {
    to: { namespace: t.namespace, workload: t.name, port: rep('port') as number, protocol },
    from: identity !== undefined ? { principal: identity.principal } : { plaintext: true },
  };
  const src = rep('ip:source') as IpAddress | undefined;
  const remote = rep('ip:remote') as IpAddress | undefined;
  const dst = rep('ip:destination') as IpAddress | undefined;
  if (src !== undefined) req['sourceIp'] = ipText(src);
  // An unconstrained remote address stays unset: it defaults to the source address.
  const remI = dims.findIndex((d) => d.key === 'ip:remote');
  if (remote !== undefined && !(groups !== undefined && remI >= 0 && groups[remI] === null)) req['remoteIp'] = ipText(remote);
  if (dst !== undefined) req['destinationIp'] = ipText(dst);
  // The host also addresses a Service on TCP (ambient waypoint routing).
  const host = rep('host') as string | undefined;
  if (host !== undefined) req['host'] = host;
  const sni = rep('sni') as string | undefined;
  if (sni !== undefined && sni !== '') req['sni'] = sni;
  if (protocol !== 'tcp') {
    req['method'] = (rep('method') as string | undefined) ?? (protocol === 'grpc' ? 'POST' : 'GET');
    req['path'] = (rep('path') as string | undefined) ?? '/';
    const headers: Record<string, string> = {};
    dims.forEach((d, i) => {
      if (!d.key.startsWith('header:') || (cells[i] ?? -1) < 0) return;
      const v = d.cells[cells[i] as number]?.rep;
      if (typeof v === 'string') headers[d.key.slice('header:'.length)] = v;
    });
    if (Object.keys(headers).length > 0) req['headers'] = headers;
    const jwt = jwtOf(dims, cells);
    if (jwt !== undefined) req['jwt'] = jwt;
  }
  return req as AccessRequest;
}

/** Whether dimension `d` applies given the protocol and token cells: HTTP fields, then JWT claims. */
export function appliesFor(dims: readonly Dim[]): (d: Dim, cells: readonly number[]) => boolean {
  const pi = dims.findIndex((x) => x.key === 'protocol');
  const ti = dims.findIndex((x) => x.key === 'token');
  return (d, cells) => {
    if (d.guard === 'always') return true;
    if (dims[pi]?.cells[cells[pi] as number]?.key === 'tcp') return false;
    if (d.guard === 'http') return true;
    return ti >= 0 && (dims[ti]?.cells[cells[ti] as number]?.key.startsWith('valid@') ?? false);
  };
}

/** The cell of a group whose representative reads best in a witness (absent, GET, `/`, short). */
export function nicest(d: Dim, group: readonly number[]): number {
  let best = group[0] as number;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of group) {
    const rep = d.cells[c]?.rep;
    const score = rep === undefined && d.key === 'ip:remote' ? 50 : rep === undefined || rep === '' ? 0 : rep === 'GET' || rep === '/' ? 1 : typeof rep === 'string' ? 2 + rep.length : 100;
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
