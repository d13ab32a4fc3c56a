// inspectJwks: what lestrrat-go/jwx v1 jwk.Parse accepts (as istiod's webhook uses it) and which keys
// carry private material (warnPrivateJwksKeys).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { inspectJwks } from './jwks.js';

const RSA_PUBLIC = { kty: 'RSA', kid: 'k', e: 'AQAB', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX' };

describe('inspectJwks', () => {
  it('accepts a set of public keys and an empty set', () => {
    expect(inspectJwks(JSON.stringify({ keys: [RSA_PUBLIC, { kty: 'EC', crv: 'P-256', x: 'YQ', y: 'Yg' }, { kty: 'OKP', crv: 'Ed25519', x: 'YQ' }] }))).toEqual({ privateKeys: [] });
    expect(inspectJwks('{"keys": []}')).toEqual({ privateKeys: [] });
    expect(inspectJwks('{"keys": null}')).toEqual({ privateKeys: [] });
  });
  it('accepts a single key (not a set)', () => {
    expect(inspectJwks(JSON.stringify(RSA_PUBLIC))).toEqual({ privateKeys: [] });
  });
  it('finds private and symmetric keys by index', () => {
    const set = { keys: [RSA_PUBLIC, { ...RSA_PUBLIC, d: 'AQAB' }, { kty: 'oct', k: 'c2VjcmV0' }, { kty: 'EC', crv: 'P-256', x: 'YQ', y: 'Yg', d: 'YQ' }] };
    expect(inspectJwks(JSON.stringify(set))).toEqual({ privateKeys: [1, 2, 3] });
  });
  it.each([
    ['not JSON', 'not json'],
    ['a list', '[]'],
    ['a string', '"x"'],
    ['keys not a list', '{"keys": {}}'],
    ['unknown kty', '{"keys": [{"kty": "XYZ"}]}'],
    ['no kty in a sole key', '{}'],
    ['missing n', '{"kty": "RSA", "e": "AQAB"}'],
    ['missing y', '{"keys": [{"kty": "EC", "crv": "P-256", "x": "YQ"}]}'],
    ['missing k', '{"kty": "oct"}'],
    ['non-string member', '{"kty": "RSA", "e": "AQAB", "n": 5}'],
    ['bad base64', '{"kty": "RSA", "e": "AQAB", "n": "a$b"}'],
  ])('rejects %s', (_name, text) => {
    expect(inspectJwks(text).error).toBeDefined();
  });
  it('never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (s) => void inspectJwks(s)));
  });
});
