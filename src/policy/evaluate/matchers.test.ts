// Unit tests of the low-level matchers: Istio string values, request principals (§2.7 table), CIDRs,
// path normalization (§2.12), path templates (§2.5) and trust-domain alias expansion (§2.6).
import { describe, expect, it } from 'vitest';

import { requestPrincipalMatcher } from './envoy-rules.js';
import { cidrContains, parseCidr, parseIp } from './ip-matcher.js';
import { normalizePath } from './path-normalization.js';
import { pathTemplate } from './path-template.js';
import { testString } from './predicate.js';
import type { RequestAttributes } from './request-attributes.js';
import { evalPred } from './predicate.js';
import { headerString, istioString } from './string-matcher.js';
import { trustDomainBundle } from './trust-domain.js';

const matches = (value: string, s: string, prefix = ''): boolean => testString(istioString(value, prefix), s);

describe('Istio string values', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['abc*', 'abcd', true],
    ['*bcd', 'abcd', true],
    ['*', '', false],
    ['*', 'x', true],
    ['a*c', 'abc', false],
    ['a*c', 'a*c', true],
    ['*abc*', 'xabc*', true],
    ['*abc*', 'xabcx', false],
  ])('%s against %s is %s', (value, s, expected) => {
    expect(matches(value, s)).toBe(expected);
  });

  it('prefixes principals with spiffe:// (suffix becomes a prefix+suffix regex)', () => {
    expect(matches('*/sa/x', 'spiffe://td/ns/a/sa/x', 'spiffe://')).toBe(true);
    expect(matches('*/sa/x', 'td/ns/a/sa/x', 'spiffe://')).toBe(false);
    expect(matches('*', 'spiffe://td/ns/a/sa/x', 'spiffe://')).toBe(true);
  });

  it('hosts ignore case; header values do not', () => {
    expect(testString(headerString('Example.COM', true), 'example.com')).toBe(true);
    expect(testString(headerString('*.example.com', true), 'A.EXAMPLE.COM')).toBe(true);
    expect(testString(headerString('Admin', false), 'admin')).toBe(false);
    expect(testString(headerString('*', false), '')).toBe(true);
  });
});

describe('requestPrincipals split at the last slash (§2.7)', () => {
  const jwt = (iss: string, sub: string | undefined): RequestAttributes =>
    ({ jwt: sub === undefined ? { iss } : { iss, sub } }) as unknown as RequestAttributes;
  it.each([
    ['*', 'i', 's', true],
    ['*', 'i', undefined, false],
    ['foo/bar', 'foo', 'bar', true],
    ['foo/*', 'foo', 'x', true],
    ['foo/bar*', 'foo', 'barx', true],
    ['*/foo', 'anything', 'foo', true],
    ['*bar/foo', 'xbar', 'foo', true],
    ['foo*', 'foox', 'y', true],
    ['*foo', 'x', 'yfoo', true],
    ['foo', 'foo', 'x', false],
    ['https://idp.example.com*', 'https://idp.example.com', 'x', false],
    ['https://idp.example.com/*', 'https://idp.example.com', 'x', true],
  ])('%s with iss=%s sub=%s is %s', (value, iss, sub, expected) => {
    expect(evalPred(requestPrincipalMatcher(value), jwt(iss, sub))).toBe(expected);
  });
});

describe('CIDRs', () => {
  it('contains addresses of the same family only', () => {
    const r = parseCidr('10.0.0.0/8');
    expect(r).toBeDefined();
    expect(cidrContains(r!, parseIp('10.255.1.1')!)).toBe(true);
    expect(cidrContains(r!, parseIp('11.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('2001:db8::/32')!, parseIp('2001:db8:1::5')!)).toBe(true);
    expect(cidrContains(parseCidr('2001:db8::/32')!, parseIp('10.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('192.168.1.1')!, parseIp('192.168.1.1')!)).toBe(true);
    expect(cidrContains(parseCidr('192.168.1.1')!, parseIp('192.168.1.2')!)).toBe(false);
    expect(cidrContains(parseCidr('::ffff:10.0.0.0/104')!, parseIp('::ffff:10.1.2.3')!)).toBe(true);
  });
  it('rejects malformed values', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0', '01.2.3.4', 'x', '1::2::3', '10.0.0.0/']) expect(parseCidr(bad)).toBeUndefined();
  });
});

describe('path normalization', () => {
  it.each([
    ['/a/../b?x=1', 'BASE', '/b'],
    ['/a/./b#f', 'BASE', '/a/b'],
    ['/%61%2Fb', 'BASE', '/a%2Fb'],
    ['/a\\b', 'BASE', '/a/b'],
    ['//a//b', 'BASE', '//a//b'],
    ['//a//b', 'MERGE_SLASHES', '/a/b'],
    ['/a%2Fb%5c..', 'DECODE_AND_MERGE_SLASHES', '/a/'],
    ['/a/../b', 'NONE', '/a/../b'],
  ] as const)('%s with %s is %s', (raw, mode, expected) => {
    expect(normalizePath(raw, mode).path).toBe(expected);
  });
  it('rejects %00', () => {
    expect(normalizePath('/a%00', 'NONE').rejected).toBeDefined();
  });
});

describe('path templates', () => {
  it.each([
    ['/foo/{*}', '/foo/bar', true],
    ['/foo/{*}', '/foo/bar/baz', false],
    ['/foo/{*}', '/foo/', false],
    ['/foo/{**}/', '/foo/bar/', true],
    ['/foo/{**}/', '/foo//', true],
    ['/foo/{**}/', '/foo/bar', false],
    ['/foo/{*}/bar/{**}', '/foo/buzz/bar/', true],
  ])('%s against %s is %s', (template, path, expected) => {
    expect(testString(pathTemplate(template), path)).toBe(expected);
  });
});

describe('trust-domain aliases', () => {
  const bundle = trustDomainBundle('new-td', ['old-td']);
  it('expands principals of known trust domains and cluster.local', () => {
    expect(bundle.replaceAliases(['old-td/ns/a/sa/b'])).toEqual(['new-td/ns/a/sa/b', 'old-td/ns/a/sa/b']);
    expect(bundle.replaceAliases(['cluster.local/ns/a/sa/b'])).toEqual(['new-td/ns/a/sa/b', 'old-td/ns/a/sa/b']);
    expect(bundle.replaceAliases(['foreign/ns/a/sa/b'])).toEqual(['foreign/ns/a/sa/b']);
    expect(bundle.replaceAliases(['*/ns/a/sa/b', 'ns/a/sa/b'])).toEqual(['*/ns/a/sa/b', 'ns/a/sa/b']);
  });
  it('expands trustDomains values', () => {
    expect(bundle.expand(['old-td', 'x'])).toEqual(['new-td', 'old-td', 'x']);
  });
});
