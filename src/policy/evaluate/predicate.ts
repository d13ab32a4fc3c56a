// Compiled matchers as plain data with one evaluator: every predicate is a `Pred` node of a single
// shape and `evalPred` walks it with a switch. At mesh scale (thousands of policies) this stays
// monomorphic and fast where a tree of closures becomes megamorphic. Nodes are built at compile
// time only; evaluation allocates nothing.
import { cidrContains, type CidrRange } from './ip-matcher.js';
import type { RequestAttributes } from './request-attributes.js';

/** How a string value is tested. */
export const T = {
  EXACT: 0,
  PREFIX: 1,
  SUFFIX: 2,
  NON_EMPTY: 3,
  ANY: 4,
  REGEX: 5,
  PREFIX_SUFFIX: 6,
  CONTAINS: 7,
  EXACT_I: 8,
  PREFIX_I: 9,
  SUFFIX_I: 10,
  /** REGEX, only tried when the value contains `s` and `s2` (necessary literal parts). */
  GUARDED_REGEX: 11,
} as const;
export type T = (typeof T)[keyof typeof T];

/** What a node reads. */
export const K = {
  TRUE: 0,
  FALSE: 1,
  AND: 2,
  OR: 3,
  NOT: 4,
  STR: 5,
  PEER_URI: 6,
  PEER_PRINCIPAL: 7,
  PEER_NAMESPACE: 8,
  PEER_SA: 9,
  METHOD: 10,
  PATH: 11,
  HOST: 12,
  HEADER: 13,
  SNI: 14,
  PORT: 15,
  SOURCE_IP: 16,
  REMOTE_IP: 17,
  DESTINATION_IP: 18,
  CLAIM: 19,
  REQUEST_PRINCIPAL: 20,
} as const;
export type K = (typeof K)[keyof typeof K];

export class Pred {
  constructor(
    readonly k: K,
    readonly t: T = T.ANY,
    readonly s: string = '',
    readonly s2: string = '',
    readonly n: number = 0,
    readonly re: RegExp | null = null,
    readonly cidr: CidrRange | null = null,
    readonly kids: readonly Pred[] | null = null,
    readonly path: readonly string[] | null = null,
  ) {}
}

export const TRUE = new Pred(K.TRUE);
export const FALSE = new Pred(K.FALSE);

/** A string test node (kind STR); `on` re-targets it to an attribute. */
export function str(t: T, s = '', s2 = '', n = 0, re: RegExp | null = null): Pred {
  return new Pred(K.STR, t, s, s2, n, re);
}

export function on(k: K, test: Pred, s2?: string): Pred {
  return new Pred(k, test.t, test.s, s2 ?? test.s2, test.n, test.re, null, null, null);
}

export function regex(source: string): Pred {
  try {
    return str(T.REGEX, '', '', 0, new RegExp(`^(?:${source})$`, 's'));
  } catch {
    return FALSE;
  }
}

/** Rough evaluation cost, to test cheap conjuncts first (AND is commutative for pure predicates). */
function cost(p: Pred): number {
  switch (p.k) {
    case K.TRUE:
    case K.FALSE:
    case K.PORT:
      return 0;
    case K.AND:
    case K.OR:
    case K.NOT: {
      let c = 1;
      for (const kid of p.kids ?? []) c += cost(kid);
      return c;
    }
    case K.CLAIM:
    case K.REQUEST_PRINCIPAL:
      return 6;
    default:
      return p.t === T.REGEX ? 20 : p.t === T.GUARDED_REGEX ? 8 : 2;
  }
}

export function and(kids: readonly Pred[]): Pred {
  if (kids.length === 0) return TRUE;
  if (kids.length === 1) return kids[0] as Pred;
  const sorted = kids.map((p, i) => ({ p, i, c: cost(p) })).sort((x, y) => x.c - y.c || x.i - y.i);
  return new Pred(K.AND, T.ANY, '', '', 0, null, null, sorted.map((x) => x.p));
}

/** A regex that can only match values containing both literals. */
export function guardedRegex(source: string, must1: string, must2: string): Pred {
  const r = regex(source);
  return r.re === null ? r : str(T.GUARDED_REGEX, must1, must2, 0, r.re);
}

export function or(kids: readonly Pred[]): Pred {
  if (kids.length === 1) return kids[0] as Pred;
  return new Pred(K.OR, T.ANY, '', '', 0, null, null, kids);
}

export function not(kid: Pred): Pred {
  return new Pred(K.NOT, T.ANY, '', '', 0, null, null, [kid]);
}

export function port(p: number): Pred {
  return new Pred(K.PORT, T.ANY, '', '', p);
}

export function ip(k: typeof K.SOURCE_IP | typeof K.REMOTE_IP | typeof K.DESTINATION_IP, range: CidrRange): Pred {
  return new Pred(k, T.ANY, '', '', 0, null, range);
}

export function claim(path: readonly string[], tests: readonly Pred[]): Pred {
  return new Pred(K.CLAIM, T.ANY, '', '', 0, null, null, tests, path);
}

export function requestPrincipal(iss: Pred, sub: Pred): Pred {
  return new Pred(K.REQUEST_PRINCIPAL, T.ANY, '', '', 0, null, null, [iss, sub]);
}

export function peerServiceAccount(ns: string, sa: string): Pred {
  return new Pred(K.PEER_SA, T.ANY, ns, sa);
}

/**
 * The kinds of node `p` has (bit `1 << k` for each kind `k`), through AND/OR/NOT (the children of
 * CLAIM and REQUEST_PRINCIPAL are string tests). Compile time.
 */
export function kindsOf(p: Pred): number {
  let bits = 1 << p.k;
  if (p.k === K.AND || p.k === K.OR || p.k === K.NOT) for (const kid of p.kids as readonly Pred[]) bits |= kindsOf(kid);
  return bits;
}

export function testString(p: Pred, v: string): boolean {
  switch (p.t) {
    case T.EXACT:
      return v === p.s;
    case T.PREFIX:
      return v.startsWith(p.s);
    case T.SUFFIX:
      return v.endsWith(p.s);
    case T.NON_EMPTY:
      return v.length > 0;
    case T.ANY:
      return true;
    case T.REGEX:
      return (p.re as RegExp).test(v);
    case T.GUARDED_REGEX:
      return v.includes(p.s) && v.includes(p.s2) && (p.re as RegExp).test(v);
    case T.PREFIX_SUFFIX:
      return v.length >= p.n && v.startsWith(p.s) && v.endsWith(p.s2);
    case T.CONTAINS:
      return v.includes(p.s);
    case T.EXACT_I:
      return v.length === p.s.length && v.toLowerCase() === p.s;
    case T.PREFIX_I:
      return v.length >= p.s.length && v.slice(0, p.s.length).toLowerCase() === p.s;
    case T.SUFFIX_I:
      return v.length >= p.s.length && v.slice(v.length - p.s.length).toLowerCase() === p.s;
  }
  return false;
}

function anyString(tests: readonly Pred[], v: string): boolean {
  for (let i = 0; i < tests.length; i++) if (testString(tests[i] as Pred, v)) return true;
  return false;
}

function claimAt(jwt: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let cur: unknown = jwt;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, path[i] as string)) return undefined;
    cur = (cur as Record<string, unknown>)[path[i] as string];
  }
  return cur;
}

export function evalPred(p: Pred, a: RequestAttributes): boolean {
  switch (p.k) {
    case K.TRUE:
      return true;
    case K.FALSE:
      return false;
    case K.AND: {
      const kids = p.kids as readonly Pred[];
      for (let i = 0; i < kids.length; i++) if (!evalPred(kids[i] as Pred, a)) return false;
      return true;
    }
    case K.OR: {
      const kids = p.kids as readonly Pred[];
      for (let i = 0; i < kids.length; i++) if (evalPred(kids[i] as Pred, a)) return true;
      return false;
    }
    case K.NOT:
      return !evalPred((p.kids as readonly Pred[])[0] as Pred, a);
    case K.STR:
      return false;
    case K.PEER_URI:
      return a.peer !== undefined && testString(p, a.peer.uri);
    case K.PEER_PRINCIPAL:
      return a.peer !== undefined && testString(p, a.peer.principal);
    case K.PEER_NAMESPACE:
      return testString(p, a.peer === undefined ? '' : a.peer.namespace);
    case K.PEER_SA:
      return a.peer !== undefined && a.peer.namespace === p.s && a.peer.serviceAccount === p.s2;
    case K.METHOD:
      return a.method !== undefined && testString(p, a.method);
    case K.PATH:
      return a.path !== undefined && testString(p, a.path);
    case K.HOST:
      return a.host !== undefined && testString(p, a.host);
    case K.HEADER: {
      const v = a.headers.get(p.s2);
      return v !== undefined && testString(p, v);
    }
    case K.SNI:
      return testString(p, a.sni ?? '');
    case K.PORT:
      return a.port === p.n;
    case K.SOURCE_IP:
      return a.sourceIp !== undefined && cidrContains(p.cidr as CidrRange, a.sourceIp);
    case K.REMOTE_IP:
      return a.remoteIp !== undefined && cidrContains(p.cidr as CidrRange, a.remoteIp);
    case K.DESTINATION_IP:
      return a.destinationIp !== undefined && cidrContains(p.cidr as CidrRange, a.destinationIp);
    case K.CLAIM: {
      if (a.jwt === undefined) return false;
      const c = claimAt(a.jwt, p.path as readonly string[]);
      const tests = p.kids as readonly Pred[];
      if (typeof c === 'string') return anyString(tests, c);
      if (Array.isArray(c)) {
        for (const e of c) if (typeof e === 'string' && anyString(tests, e)) return true;
      }
      return false;
    }
    case K.REQUEST_PRINCIPAL: {
      if (a.jwt === undefined) return false;
      const iss = a.jwt['iss'];
      const sub = a.jwt['sub'];
      const kids = p.kids as readonly Pred[];
      return typeof iss === 'string' && typeof sub === 'string' && testString(kids[0] as Pred, iss) && testString(kids[1] as Pred, sub);
    }
  }
  return false;
}
