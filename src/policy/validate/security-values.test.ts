// The value checks of security-values.ts against the cases of Istio's own
// pkg/config/security/security_test.go (TestCheckValidPathTemplate, TestIsValidLiteral,
// TestCheckWildcardValues, TestCheckTrustDomainValues, TestValidateCondition, TestParseJwksURI), the
// condition and JWKS-URI ones end to end through validateSources.
import { describe, expect, it } from 'vitest';

import { checkPathTemplate, checkServiceAccountValue, checkTrustDomainValue, checkWildcardValue, isMapKey } from './security-values.js';
import { validateSources } from './validate-sources.js';

describe('checkPathTemplate (Istio TestCheckValidPathTemplate)', () => {
  const valid = ['/{*}/foo', '/{*}/foo/', '/foo/{**}/bar', '/foo/bar/{**}', '/', '', '/a*b/c', '/foo//bar', '/{**}'];
  const invalid = [
    '/foo/{**}buzz/bar',
    '/{*}/foo/{}/bar',
    '/foo/{*}/bar/*',
    '/foo/{*}/bar/**/buzz',
    '/foo/{buzz}/bar',
    '/{buzz}',
    '/foo/{buzz}/bar/{**}',
    '/foo/{buzz=*}/bar/{**}',
    '/{*}/foo/{buzz=**}/bar',
    '/{*}/foo/{**}bar',
    '/{*}/foo/{*}.txt',
    '/{*}/foo/{temp',
    '/{*}/foo/temp}/bar',
    '/{*}/foo/temp}/*',
    '/{**}/foo/temp/{*}/bar',
    '/{**}/{**}',
    '/{**}/foo/temp/{**}/bar',
    '/{*}/foo/?abc',
    '/a{b',
    '/foo//{*}',
  ];
  it.each(valid)('accepts %j', (path) => expect(checkPathTemplate(path)).toBeUndefined());
  it.each(invalid)('rejects %j', (path) => expect(checkPathTemplate(path)).toMatch(/invalid or unsupported path/));

  // TestIsValidLiteral, through a template whose other segment is {*}.
  const literals: [string, boolean][] = [
    ['123abcABC', true],
    ['._~-', true],
    ['a=c', true],
    ["-._~%20!$&'()+,;:@", true],
    ['`~!@#$%^&()-_+;:,<.>\'"\\| ', false],
    ['ab*c', false],
    ['*', false],
    ['ab**c', false],
    ['**', false],
    ['?abc', false],
    ['?a=c', false],
  ];
  it.each(literals)('literal %j valid in a template: %s', (literal, ok) => {
    expect(checkPathTemplate(`/{*}/${literal}`) === undefined).toBe(ok);
  });
});

describe('wildcard and trust-domain values (Istio TestCheckWildcardValues, TestCheckTrustDomainValues)', () => {
  it.each(['foo', '*', 'foo*', '*foo'])('wildcard %j is valid', (v) => expect(checkWildcardValue(v)).toBeUndefined());
  it.each(['fo*-bar', 'fo*bar*', '**'])('wildcard %j is invalid', (v) => expect(checkWildcardValue(v)).toBeDefined());
  it.each(['cluster.local', '*', 'cluster-*', '*-cluster'])('trust domain %j is valid', (v) => expect(checkTrustDomainValue(v)).toBeUndefined());
  it.each(['cluster.local/ns/foo', 'spiffe://cluster.local', 'a*b'])('trust domain %j is invalid', (v) => expect(checkTrustDomainValue(v)).toBeDefined());
});

describe('service accounts (CheckServiceAccount)', () => {
  it.each(['sa', 'ns/sa', 'a'.repeat(320)])('%j is valid', (v) => expect(checkServiceAccountValue(v)).toBeUndefined());
  it.each(['too/many/slashes', '/emptyns', 'emptysa/', 'ns/*', '*', 'a'.repeat(321), `ns/${'é'.repeat(159)}`])('%j is invalid', (v) => expect(checkServiceAccountValue(v)).toBeDefined());
});

describe('map keys (validateMapKey)', () => {
  it.each(['request.headers[a]', 'a[b]', 'request.auth.claims[a][b]', 'x[]]'])('%j has the a[b] form', (k) => expect(isMapKey(k)).toBe(true));
  it.each(['request.headers', 'request.headers[]', '[a]', 'a[b', 'a]'])('%j does not', (k) => expect(isMapKey(k)).toBe(false));
});

function conditionErrors(key: string, values: string[]): string[] {
  const text = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p, namespace: foo}
spec:
  rules:
  - when:
    - key: ${JSON.stringify(key)}
      values: ${JSON.stringify(values)}
`;
  const report = validateSources([{ file: 'c.yaml', text }]);
  return report.resources.flatMap((r) => r.errors.map((e) => e.rule));
}

describe('when conditions end to end (Istio TestValidateCondition)', () => {
  const cases: [string, string[], boolean][] = [
    ['request.headers[:authority]', ['productpage', ''], false],
    ['request.headers[:authority]', ['productpage'], true],
    ['request.headers[]', ['productpage'], false],
    ['source.ip', ['1.2.3.4', '5.6.7.0/24'], true],
    ['source.ip', ['a.b.c.d'], false],
    ['remote.ip', ['1.2.3.4', '5.6.7.0/24'], true],
    ['remote.ip', ['a.b.c.d'], false],
    ['source.namespace', ['value'], true],
    ['source.user', ['value'], false],
    ['source.principal', ['value'], true],
    ['source.serviceAccount', ['too/many/slashes'], false],
    ['source.serviceAccount', ['/emptyns'], false],
    ['source.serviceAccount', ['emptysa/'], false],
    ['source.serviceAccount', ['ns/sa'], true],
    ['source.serviceAccount', ['sa'], true],
    ['source.trustDomain', ['cluster.local'], true],
    ['source.trustDomain', ['*'], true],
    ['source.trustDomain', ['foo*'], true],
    ['source.trustDomain', ['*bar'], true],
    ['source.trustDomain', ['fo*-bar'], false],
    ['source.trustDomain', ['fo*bar*'], false],
    ['source.trustDomain', [''], false],
    ['request.auth.principal', ['value'], true],
    ['request.auth.audiences', ['value'], true],
    ['request.auth.presenter', ['value'], true],
    ['request.auth.claims[id]', ['123'], true],
    ['request.auth.claims[]', ['value'], false],
    ['destination.ip', ['1.2.3.4', '5.6.7.0/24'], true],
    ['destination.ip', ['a.b.c.d'], false],
    ['destination.port', ['80', '90'], true],
    ['destination.port', ['80', 'x'], false],
    ['destination.labels[app]', ['value'], false],
    ['destination.name', ['value'], false],
    ['destination.namespace', ['value'], false],
    ['destination.user', ['value'], false],
    ['connection.sni', ['value'], true],
    ['experimental.envoy.filters.a.b[c]', ['value'], true],
    ['experimental.envoy.filters.a.b.x', ['value'], false],
    // Go's prefix match: any key starting with request.headers and shaped a[b] passes.
    ['request.headersfoo[bar]', ['value'], true],
  ];
  it.each(cases)('%s %j valid: %s', (key, values, valid) => {
    const errors = conditionErrors(key, values);
    expect(errors.length === 0).toBe(valid);
    for (const rule of errors) expect(rule).toMatch(/^authz\.when\./);
  });
});

describe('jwksUri end to end (Istio TestParseJwksURI)', () => {
  const uriErrors = (uri: string): string[] => {
    const text = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: r, namespace: foo}
spec:
  jwtRules:
  - issuer: i
    jwksUri: ${JSON.stringify(uri)}
`;
    return validateSources([{ file: 'r.yaml', text }]).resources.flatMap((r) => r.errors.map((e) => e.rule)).filter((rule) => rule.startsWith('reqauth.'));
  };
  it.each(['foo.bar.com', 'tcp://foo.bar.com:abc', 'http://foo.bar.com:abc'])('rejects %j', (uri) => expect(uriErrors(uri)).not.toEqual([]));
  it.each(['http://foo.bar.com', 'https://foo.bar.com', 'http://foo.bar.com:1234', 'https://foo.bar.com:1234/secure/key'])('accepts %j', (uri) => expect(uriErrors(uri)).toEqual([]));
});
