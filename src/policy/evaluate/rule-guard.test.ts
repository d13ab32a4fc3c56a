// Rule guards must never rule out a rule that matches: for random predicates built from the leaves
// guards understand (peer URI, principal, namespace and service account tests, methods, JWT, IPs, SNI)
// under AND/OR/NOT, and random requests (odd principals and methods included), a match always passes
// its guard. Also checks that guards do rule out what they are meant to.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { requestPrincipalMatcher } from './envoy-rules.js';
import { parseCidr, parseIp } from './ip-matcher.js';
import { and, claim, evalPred, FALSE, ip, K, not, on, or, peerServiceAccount, type Pred, str, T, TRUE } from './predicate.js';
import { peerFor, peerFromPrincipal, type RequestAttributes } from './request-attributes.js';
import { admits, firstGuardedMatch, guardRules, requestSegments, requestWord, ruleGuard } from './rule-guard.js';
import { headerString, istioString, ztunnelString } from './string-matcher.js';

const NAMESPACES = ['a', 'b', 'team-1', 'ns', ''];
const METHODS = ['GET', 'POST', 'DELETE', 'get', 'PURGE'];
const PRINCIPALS = ['td/ns/a/sa/x', 'td/ns/b/sa/y', 'spiffe://td/ns/team-1/sa/x', 'td/ns/a', 'td/sa/x/ns/b', 'td/x/ns/b', 'td', 'td/ns//sa/z', 'td/ns/ns/ns/a/sa/q', 'td/sa/ns/ns/a'];

const value = fc.constantFrom('td/ns/a/sa/x', 'td/ns/a/*', '*/sa/x', '*', 'td/ns/b/sa/y', '*/ns/team-1/sa/x', 'td/ns/a');

const leaf: fc.Arbitrary<Pred> = fc.oneof(
  value.map((v) => on(K.PEER_URI, istioString(v, 'spiffe://'))),
  fc.constantFrom(...NAMESPACES).map((ns) => on(K.PEER_URI, str(T.CONTAINS, `/ns/${ns}/`))),
  fc.constantFrom('spiffe://', 'spiffe://td/ns/a/').map((s) => on(K.PEER_URI, str(T.PREFIX, s))),
  value.map((v) => on(K.PEER_PRINCIPAL, ztunnelString(v))),
  fc.constantFrom(...NAMESPACES, 'team-*', '*').map((ns) => on(K.PEER_NAMESPACE, ztunnelString(ns))),
  fc.tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom('x', 'y', 'default')).map(([ns, sa]) => peerServiceAccount(ns, sa)),
  fc.constantFrom(...METHODS, 'G*', '*').map((m) => on(K.METHOD, headerString(m, false))),
  fc.constantFrom('iss/alice', '*', 'iss/*').map(requestPrincipalMatcher),
  fc.constant(claim(['groups'], [istioString('admins')])),
  fc.constantFrom(K.SOURCE_IP, K.REMOTE_IP, K.DESTINATION_IP).map((k) => ip(k, parseCidr('10.0.0.0/8')!)),
  fc.constantFrom('', '*', 'x.example', '*.example').map((v) => on(K.SNI, istioString(v))),
  fc.constantFrom(TRUE, FALSE),
);

const pred: fc.Arbitrary<Pred> = fc.letrec<{ p: Pred }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map(and),
    fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map(or),
    tie('p').map(not),
  ),
})).p;

const ipText = fc.option(fc.constantFrom('10.1.2.3', '192.168.0.1', 'not-an-ip'), { nil: undefined });

const attributes: fc.Arbitrary<RequestAttributes> = fc
  .record({
    peer: fc.option(fc.oneof(fc.constantFrom(...PRINCIPALS).map(peerFromPrincipal), fc.tuple(fc.constantFrom(...NAMESPACES), fc.constantFrom('x', 'y')).map(([ns, sa]) => peerFor('td', ns, sa))), { nil: undefined }),
    method: fc.option(fc.constantFrom(...METHODS), { nil: undefined }),
    jwt: fc.option(fc.constantFrom({ iss: 'iss', sub: 'alice', groups: ['admins'] }, { iss: 'iss' }), { nil: undefined }),
    sourceIp: ipText,
    remoteIp: ipText,
    destinationIp: ipText,
    sni: fc.option(fc.constantFrom('', 'x.example', 'y.example'), { nil: undefined }),
  })
  .map((r) => ({
    http: r.method !== undefined,
    peer: r.peer,
    sourceIp: r.sourceIp === undefined ? undefined : parseIp(r.sourceIp),
    remoteIp: r.remoteIp === undefined ? undefined : parseIp(r.remoteIp),
    destinationIp: r.destinationIp === undefined ? undefined : parseIp(r.destinationIp),
    port: 8080,
    sni: r.sni,
    method: r.method,
    path: '/',
    host: undefined,
    headers: new Map<string, string>(),
    jwt: r.jwt,
  }));

const passes = (p: Pred, a: RequestAttributes): boolean => admits(guardRules([p], [ruleGuard(p)], [0]), 0, requestWord(a), requestSegments(a));

describe('rule guards', () => {
  it('never rule out a predicate that matches', () => {
    fc.assert(
      fc.property(pred, attributes, (p, a) => {
        if (evalPred(p, a)) expect(passes(p, a)).toBe(true);
        // The guarded scan finds what a plain scan finds.
        expect(firstGuardedMatch(guardRules([p, TRUE], [ruleGuard(p), ruleGuard(TRUE)], [0, 1]), 0, 2, requestWord(a), requestSegments(a), a)).toBe(evalPred(p, a) ? 0 : 1);
      }),
      { numRuns: 20_000 },
    );
  });

  it('rule out rules that need a missing peer, JWT, method, address or SNI, or another namespace', () => {
    const base: RequestAttributes = { http: true, peer: peerFor('td', 'a', 'x'), sourceIp: undefined, remoteIp: undefined, destinationIp: undefined, port: 80, sni: undefined, method: 'GET', path: '/', host: undefined, headers: new Map(), jwt: undefined };
    expect(passes(on(K.PEER_URI, str(T.CONTAINS, '/ns/b/')), base)).toBe(false);
    expect(passes(on(K.PEER_URI, str(T.CONTAINS, '/ns/a/')), base)).toBe(true);
    expect(passes(on(K.PEER_URI, istioString('td/ns/a/sa/x', 'spiffe://')), { ...base, peer: undefined })).toBe(false);
    expect(passes(not(on(K.PEER_URI, str(T.NON_EMPTY))), base)).toBe(false);
    expect(passes(or([on(K.METHOD, str(T.EXACT, 'POST')), on(K.METHOD, str(T.EXACT, 'PUT'))]), base)).toBe(false);
    expect(passes(not(on(K.METHOD, str(T.EXACT, 'GET'))), base)).toBe(false);
    expect(passes(requestPrincipalMatcher('*'), base)).toBe(false);
    expect(passes(ip(K.SOURCE_IP, parseCidr('10.0.0.0/8')!), base)).toBe(false);
    expect(passes(on(K.SNI, istioString('x.example')), base)).toBe(false);
  });
});
