// What one leaf of a compiled rule predicate (evaluate/predicate.ts) reads, in the diff's dimensions,
// and its truth for one value of such a dimension, the other attributes being fixed. The class search
// turns leaves into truth tables over the cells of a dimension with these. Pure.
import { evalPred, K, type Pred, testString } from '../evaluate/predicate.js';
import type { RequestAttributes } from '../evaluate/request-attributes.js';
import { claimDim, type DimKey } from './match-fields.js';

/** The dimensions a leaf reads (claims also read the token state). */
export function leafDims(p: Pred): DimKey[] {
  switch (p.k) {
    case K.PEER_URI:
    case K.PEER_PRINCIPAL:
    case K.PEER_NAMESPACE:
    case K.PEER_SA:
      return ['identity'];
    case K.METHOD:
      return ['method'];
    case K.PATH:
      return ['path'];
    case K.HOST:
      return ['host'];
    case K.HEADER:
      if (p.s2 === ':method') return ['method'];
      if (p.s2 === ':authority') return ['host'];
      if (p.s2 === ':path') return ['path'];
      return [`header:${p.s2}`];
    case K.SNI:
      return ['sni'];
    case K.PORT:
      return ['port'];
    case K.SOURCE_IP:
      return ['ip:source'];
    case K.REMOTE_IP:
      return ['ip:remote'];
    case K.DESTINATION_IP:
      return ['ip:destination'];
    case K.CLAIM:
      return ['token', claimDim(p.path ?? [])];
    case K.REQUEST_PRINCIPAL:
      return ['token', claimDim(['iss']), claimDim(['sub'])];
    default:
      return [];
  }
}

/** A leaf's truth for one value of `dim` (the other dimensions it reads being fixed in `a`). */
export function leafTruth(p: Pred, dim: DimKey, value: unknown, a: RequestAttributes): boolean {
  if (p.k === K.CLAIM) {
    const list = Array.isArray(value) ? (value as string[]) : [];
    return (p.kids ?? []).some((k) => list.some((e) => testString(k, e)));
  }
  if (p.k === K.REQUEST_PRINCIPAL) {
    const list = Array.isArray(value) ? (value as string[]) : [];
    const kid = (p.kids ?? [])[dim === claimDim(['iss']) ? 0 : 1];
    return kid !== undefined && list.length > 0 && testString(kid, list[0] as string);
  }
  return evalPred(p, withValue(a, dim, value));
}

export function withValue(a: RequestAttributes, dim: DimKey, value: unknown): RequestAttributes {
  switch (dim) {
    case 'identity':
      return { ...a, peer: value as RequestAttributes['peer'] };
    case 'ip:source':
      return { ...a, sourceIp: value as RequestAttributes['sourceIp'] };
    case 'ip:remote':
      return { ...a, remoteIp: value as RequestAttributes['remoteIp'] };
    case 'ip:destination':
      return { ...a, destinationIp: value as RequestAttributes['destinationIp'] };
    case 'port':
      return { ...a, port: value as number | undefined };
    case 'sni':
      return { ...a, sni: value as string | undefined };
    case 'method':
    case 'path':
    case 'host': {
      const headers = new Map(a.headers);
      const h = dim === 'method' ? ':method' : dim === 'path' ? ':path' : ':authority';
      if (typeof value === 'string') headers.set(h, value);
      else headers.delete(h);
      return { ...a, [dim]: value as string | undefined, headers };
    }
    default: {
      if (!dim.startsWith('header:')) return a;
      const headers = new Map(a.headers);
      if (typeof value === 'string') headers.set(dim.slice('header:'.length), value);
      else headers.delete(dim.slice('header:'.length));
      return { ...a, headers };
    }
  }
}
