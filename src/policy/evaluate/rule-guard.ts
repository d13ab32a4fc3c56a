// Rule guards: necessary conditions of a rule predicate over a few request features read once per
// request (is there a peer, a JWT, an SNI, a source/remote/destination IP; which HTTP method; which
// `/ns/<X>/` segments the peer URI has), packed into two small integers so that a proxy's rule scan
// skips, with two integer tests, a rule that cannot match, without reading its predicate tree. A guard
// may let through a rule that does not match (evalPred still decides); it must never stop one that
// does. Compile time: `ruleGuard` per rule, `guardRules` per record; per request: `requestWord`,
// `requestSegments`, then `firstGuardedMatch`. Pure; no state.
import { SEGMENT_BUCKETS, segmentBit, SEGMENTS } from './peer-segments.js';
import { evalPred, K, type Pred, T, testString } from './predicate.js';
import type { RequestAttributes } from './request-attributes.js';

// Word 0: one bit per value of each one-valued feature; a request sets exactly one bit per feature.
const PEER = 1 << 0;
const NO_PEER = 1 << 1;
const JWT = 1 << 2;
const NO_JWT = 1 << 3;
const PEER_BITS = PEER | NO_PEER;
const JWT_BITS = JWT | NO_JWT;
// Presence of the source, remote and destination IP and of a non-empty SNI.
const SOURCE_IP = 1 << 20;
const NO_SOURCE_IP = 1 << 21;
const REMOTE_IP = 1 << 22;
const NO_REMOTE_IP = 1 << 23;
const DESTINATION_IP = 1 << 24;
const NO_DESTINATION_IP = 1 << 25;
const SNI = 1 << 26;
const NO_SNI = 1 << 27;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
const METHOD_SHIFT = 4;
/** A method that is none of METHODS. */
const OTHER_METHOD = 1 << (METHOD_SHIFT + METHODS.length);
/** No method (TCP filter chain). */
const NO_METHOD = OTHER_METHOD << 1;
const METHOD_BITS = (NO_METHOD << 1) - (1 << METHOD_SHIFT);
const PRESENCE_BITS = (1 << 28) - (1 << 20);
const ALL0 = PEER_BITS | JWT_BITS | METHOD_BITS | PRESENCE_BITS;
// Word 1: bits 0-28 a Bloom set of the peer URI's `/ns/<X>/` segments (peer-segments.ts; all of them
// for a URI without one); bit 29 alone when there is no peer. A request must share a bit with the
// guard's word 1. Both words stay below 2^30: V8 keeps them as small integers in the scanned array.
const NO_PEER_1 = 1 << SEGMENT_BUCKETS;
const ALL1 = (NO_PEER_1 << 1) - 1;

/** The bit of a method in word 0. */
function methodBit(method: string | undefined): number {
  switch (method) {
    case undefined:
      return NO_METHOD;
    case 'GET':
      return 1 << METHOD_SHIFT;
    case 'POST':
      return 1 << (METHOD_SHIFT + 1);
    case 'PUT':
      return 1 << (METHOD_SHIFT + 2);
    case 'DELETE':
      return 1 << (METHOD_SHIFT + 3);
    case 'PATCH':
      return 1 << (METHOD_SHIFT + 4);
    case 'HEAD':
      return 1 << (METHOD_SHIFT + 5);
    case 'OPTIONS':
      return 1 << (METHOD_SHIFT + 6);
    default:
      return OTHER_METHOD;
  }
}

/** The first `/ns/X/` segment (X without `/`) inside a literal that the value must contain, if any. */
function segmentIn(literal: string): number {
  const i = literal.indexOf('/ns/');
  if (i < 0) return ALL1;
  const end = literal.indexOf('/', i + 4);
  return end < 0 ? ALL1 : segmentBit(literal.slice(i + 4, end));
}

/**
 * The feature values under which a predicate can be true: `w0` the allowed word-0 bits, `w1` the
 * segment bits of which the request must have one. `exact` (the bits of one word-0 feature, else 0):
 * the predicate is true exactly for the allowed values of that feature, so NOT can complement it.
 */
interface Guard {
  readonly w0: number;
  readonly w1: number;
  readonly exact: number;
}

/** A guard whose word 1 is narrowed by its peer bits: a peer required, no NO_PEER_1; no peer possible, NO_PEER_1 only. */
function guardOf(w0: number, w1: number, exact: number): Guard {
  let bits = w1;
  if ((w0 & PEER) === 0) bits &= NO_PEER_1;
  if ((w0 & NO_PEER) === 0) bits &= SEGMENTS;
  return { w0, w1: bits, exact };
}

const ANY: Guard = { w0: ALL0, w1: ALL1, exact: 0 };
const NEVER: Guard = { w0: 0, w1: 0, exact: 0 };

function peerLiteralSegment(p: Pred): number {
  switch (p.t) {
    case T.EXACT:
    case T.PREFIX:
    case T.SUFFIX:
    case T.CONTAINS:
      return segmentIn(p.s);
    case T.PREFIX_SUFFIX:
    case T.GUARDED_REGEX: {
      // Both literals are part of any matching value (GUARDED_REGEX tests them before the regex).
      const first = segmentIn(p.s);
      return first !== ALL1 ? first : segmentIn(p.s2);
    }
    default:
      return ALL1;
  }
}

/**
 * The segment of a peer whose namespace is `ns`: its URI has `/ns/<ns>/` or ends with `/ns/<ns>`
 * (peerFor, peerFromPrincipal), unless `ns` is empty (peerFromPrincipal found no namespace) or has a `/`.
 */
function namespaceSegment(ns: string): number {
  return ns === '' || ns.includes('/') ? ALL1 : segmentBit(ns);
}

function leafGuard(p: Pred): Guard {
  switch (p.k) {
    case K.FALSE:
      return NEVER;
    case K.PEER_URI: {
      // Every identity's URI starts with `spiffe://` (peerFor, peerFromPrincipal): these tests are
      // exactly "there is a peer".
      const presence = p.t === T.ANY || p.t === T.NON_EMPTY || (p.t === T.PREFIX && p.s === 'spiffe://');
      return guardOf(ALL0 & ~NO_PEER, presence ? ALL1 : peerLiteralSegment(p), presence ? PEER_BITS : 0);
    }
    case K.PEER_PRINCIPAL:
      // The principal is the URI without `spiffe://`: its literals are in the URI too.
      return guardOf(ALL0 & ~NO_PEER, peerLiteralSegment(p), 0);
    case K.PEER_SA:
      return guardOf(ALL0 & ~NO_PEER, namespaceSegment(p.s), 0);
    case K.PEER_NAMESPACE:
      // No peer: tested as ''.
      if (testString(p, '')) return ANY;
      return guardOf(ALL0 & ~NO_PEER, p.t === T.EXACT ? namespaceSegment(p.s) : ALL1, 0);
    case K.METHOD: {
      let w0 = ALL0 & ~METHOD_BITS;
      for (const m of METHODS) if (testString(p, m)) w0 |= methodBit(m);
      const exactStandard = p.t === T.EXACT && (METHODS as readonly string[]).includes(p.s);
      if (!exactStandard) w0 |= OTHER_METHOD;
      return { w0, w1: ALL1, exact: exactStandard ? METHOD_BITS : 0 };
    }
    case K.CLAIM:
    case K.REQUEST_PRINCIPAL:
      return { w0: ALL0 & ~NO_JWT, w1: ALL1, exact: 0 };
    case K.SOURCE_IP:
      return { w0: ALL0 & ~NO_SOURCE_IP, w1: ALL1, exact: 0 };
    case K.REMOTE_IP:
      return { w0: ALL0 & ~NO_REMOTE_IP, w1: ALL1, exact: 0 };
    case K.DESTINATION_IP:
      return { w0: ALL0 & ~NO_DESTINATION_IP, w1: ALL1, exact: 0 };
    case K.SNI:
      // An absent SNI is tested as ''.
      return testString(p, '') ? ANY : { w0: ALL0 & ~NO_SNI, w1: ALL1, exact: 0 };
    default:
      return ANY;
  }
}

/** Bits set in `x` (below 2^31). */
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The guard of `p`: see Guard. */
function guardOfPred(p: Pred): Guard {
  if (p.k !== K.AND && p.k !== K.OR && p.k !== K.NOT) return leafGuard(p);
  const kids = p.kids as readonly Pred[];
  if (p.k === K.NOT) {
    const g = guardOfPred(kids[0] as Pred);
    const f = g.exact;
    return f === 0 ? ANY : guardOf((ALL0 & ~f) | (f & ~g.w0), ALL1, f);
  }
  const isAnd = p.k === K.AND;
  let w0 = isAnd ? ALL0 : 0;
  let w1 = isAnd ? ALL1 : 0;
  // The exact feature of AND/OR: the one every kid is exact on, else 0.
  let exact = -1;
  for (const kid of kids) {
    const g = guardOfPred(kid);
    if (isAnd) {
      w0 &= g.w0;
      // A request may have several segments: keep one kid's segment condition (the narrowest).
      if (popcount(g.w1) < popcount(w1)) w1 = g.w1;
    } else {
      w0 |= g.w0;
      w1 |= g.w1;
    }
    exact = exact === -1 || exact === g.exact ? g.exact : 0;
  }
  return guardOf(w0, w1, exact === -1 ? 0 : exact);
}

/**
 * Rules ready to scan, in one array (one block of memory): per rule, the word-0 bits that rule it out,
 * the word-1 bits it needs, its predicate, and a value of the caller's (what a match means).
 */
export type GuardedRules<V> = readonly (number | Pred | V)[];

const STRIDE = 4;

/** A rule's guard: the word-0 bits that rule it out and the word-1 bits of which it needs one. */
export interface RuleGuard {
  readonly forbidden: number;
  readonly needs: number;
}

/**
 * The guard of a rule predicate, computed once per compiled rule. It stays valid for the rule with its
 * destination port known (port-specialization.ts `specializePort`): on that port both match alike.
 */
export function ruleGuard(p: Pred): RuleGuard {
  const g = guardOfPred(p);
  return { forbidden: ALL0 & ~g.w0, needs: g.w1 };
}

/** `preds` with their `guards` and `values` (three lists of the same length). */
export function guardRules<V>(preds: readonly Pred[], guards: readonly RuleGuard[], values: readonly V[]): GuardedRules<V> {
  const out: (number | Pred | V)[] = [];
  preds.forEach((p, i) => appendGuarded(out, p, guards[i] as RuleGuard, values[i] as V));
  return out;
}

/** Appends rule `p` with its guard `g` and value `v` to `out` (GuardedRules being built). */
export function appendGuarded<V>(out: (number | Pred | V)[], p: Pred, g: RuleGuard, v: V): void {
  out.push(g.forbidden, g.needs, p, v);
}

/** The value given with rule `i`. */
export function valueAt<V>(rules: GuardedRules<V>, i: number): V {
  return rules[i * STRIDE + 3] as V;
}

/** How many rules `rules` holds. */
export function ruleCount(rules: GuardedRules<unknown>): number {
  return rules.length / STRIDE;
}

/** Word 0 of a request (its peer, JWT, method, which addresses it has, whether it has an SNI). */
export function requestWord(a: RequestAttributes): number {
  return (
    (a.peer !== undefined ? PEER : NO_PEER) |
    (a.jwt !== undefined ? JWT : NO_JWT) |
    methodBit(a.method) |
    (a.sourceIp !== undefined ? SOURCE_IP : NO_SOURCE_IP) |
    (a.remoteIp !== undefined ? REMOTE_IP : NO_REMOTE_IP) |
    (a.destinationIp !== undefined ? DESTINATION_IP : NO_DESTINATION_IP) |
    (a.sni !== undefined && a.sni !== '' ? SNI : NO_SNI)
  );
}

/** Word 1 of a request: the peer's segment bits, NO_PEER_1 without a peer. */
export function requestSegments(a: RequestAttributes): number {
  const peer = a.peer;
  return peer === undefined ? NO_PEER_1 : peer.segmentBits;
}

/** Whether the guard of rule `i` admits a request with words `w0`, `w1` (if not, the rule cannot match). */
export function admits(rules: GuardedRules<unknown>, i: number, w0: number, w1: number): boolean {
  const j = i * STRIDE;
  return (w0 & (rules[j] as number)) === 0 && (w1 & (rules[j + 1] as number)) !== 0;
}

/**
 * Index of the first rule of `rules` (numbers `start` to `end` - 1) that matches `a`, or -1. Rules whose
 * guard rules out the request's words `w0`, `w1` are skipped without reading their predicate.
 */
export function firstGuardedMatch(rules: GuardedRules<unknown>, start: number, end: number, w0: number, w1: number, a: RequestAttributes): number {
  for (let i = start; i < end; i++) if (admits(rules, i, w0, w1) && evalPred(rules[i * STRIDE + 2] as Pred, a)) return i;
  return -1;
}
