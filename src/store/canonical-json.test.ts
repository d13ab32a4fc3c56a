// The canonical JSON encoding of the audit chain: RFC 8785 vectors (numbers, string escapes, key order
// by UTF-16 code units), round trips and key-order independence as properties, a known SHA-256, and a
// clear refusal with the path for every value that is not plain JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { canonicalHash, canonicalJson, CanonicalJsonError } from './canonical-json.js';

describe('canonicalJson', () => {
  it('writes the RFC 8785 §3.2.2 example as the RFC does', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3), recursively, without whitespace', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Object.keys would list the integer-like key "1" first; the text carries the canonical order.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalJson({ b: { z: [1, { y: 2, x: 1 }], a: null }, a: 'x' })).toBe('{"a":"x","b":{"a":null,"z":[1,{"x":1,"y":2}]}}');
  });

  it('prints numbers as ECMAScript does and -0 as 0', () => {
    expect(canonicalJson([0, -0, 1, -1, 1.5, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_SAFE_INTEGER])).toBe(
      '[0,0,1,-1,1.5,1e+21,1e-7,123456789012345680000,5e-324,9007199254740991]',
    );
  });

  it('omits object properties that are undefined (absent optional fields)', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
  });

  it('hashes the UTF-8 bytes of the text with SHA-256 (lowercase hex)', () => {
    // printf '%s' '{"a":1,"b":[true,null,"é"]}' | sha256sum
    expect(canonicalHash({ b: [true, null, 'é'], a: 1 })).toBe('9488dd13ca33d3291f5a91a1833dfa164811755ffba538c2b340780f8c31a0cb');
  });

  it('round-trips JSON values and does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const parsed = JSON.parse(text) as unknown;
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(parsed)).toBe(text);
        expect(canonicalJson(reverseKeys(parsed))).toBe(text);
        expect(text).not.toMatch(/\n/);
      }),
    );
  });

  it.each([
    ['NaN', { a: Number.NaN }, '$.a', 'not a JSON number'],
    ['Infinity', [1, Number.POSITIVE_INFINITY], '$[1]', 'not a JSON number'],
    ['a bigint', { n: 1n }, '$.n', 'bigint'],
    ['a function', { f: () => 1 }, '$.f', 'function'],
    ['a Date', { when: new Date(0) }, '$.when', 'Date is not a plain JSON object'],
    ['a Map', { m: new Map() }, '$.m', 'Map'],
    ['undefined in an array', { list: [1, undefined] }, '$.list[1]', 'undefined'],
    ['a lone surrogate', { 'odd key': 'x\ud800' }, '$["odd key"]', 'surrogate'],
    ['a lone surrogate in a key', { ['\udc00']: 1 }, '$["\\udc00"]', 'surrogate'],
    ['a top-level undefined', undefined, '$', 'undefined'],
  ])('refuses %s and names where it is', (_name, value, path, problem) => {
    let caught: unknown;
    try {
      canonicalJson(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CanonicalJsonError);
    expect((caught as CanonicalJsonError).path).toBe(path);
    expect((caught as CanonicalJsonError).problem).toContain(problem);
  });

  it('refuses a cycle but allows the same object twice', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/^\$\.self\.self.*…\(244 more\)….*: nested deeper than 256 levels \(or the value contains itself: a cycle\)$/);
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}
