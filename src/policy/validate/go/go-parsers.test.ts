// The Go parsers ported to TypeScript agree with Go itself (Go 1.26, see
// test/fixtures/istio/validate/go-parsers/main.go which produced golden.json), and never throw.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { goParseDuration } from './duration.js';
import { goParseAddr, goParsePrefix } from './netip.js';
import { goParseBool, goParseUint } from './strconv.js';
import { goParseRequestUri, goParseUrl } from './url.js';

interface Golden {
  addr: Record<string, string>;
  prefix: Record<string, string>;
  uint32: Record<string, string>;
  duration: Record<string, string>;
  url: Record<string, { parse: boolean; requestURI: boolean; scheme?: string; port?: string }>;
}

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test/fixtures/istio/validate/go-parsers/golden.json'), 'utf8')) as Golden;

describe('Go parsers, against Go', () => {
  it.each(Object.entries(golden.addr))('netip.ParseAddr(%j) is %s', (input, verdict) => {
    expect(goParseAddr(input) === undefined ? 'ok' : 'error').toBe(verdict);
  });
  it.each(Object.entries(golden.prefix))('netip.ParsePrefix(%j) is %s', (input, verdict) => {
    expect(goParsePrefix(input) === undefined ? 'ok' : 'error').toBe(verdict);
  });
  it.each(Object.entries(golden.uint32))('strconv.ParseUint(%j, 10, 32) is %s', (input, verdict) => {
    expect('error' in goParseUint(input, 32) ? 'error' : 'ok').toBe(verdict);
  });
  it.each(Object.entries(golden.duration))('time.ParseDuration(%j) is %s', (input, verdict) => {
    const d = goParseDuration(input);
    expect('error' in d ? 'error' : d.nanos.toString()).toBe(verdict);
  });
  it.each(Object.entries(golden.url))('url.Parse(%j)', (input, want) => {
    const parsed = goParseUrl(input);
    expect('error' in parsed ? { parse: false } : { parse: true, scheme: parsed.url.scheme, port: parsed.url.port }).toEqual(
      want.parse ? { parse: true, scheme: want.scheme, port: want.port } : { parse: false },
    );
    expect('error' in goParseRequestUri(input)).toBe(!want.requestURI);
  });
});

describe('Go parsers, properties', () => {
  it('accept every dotted-quad of octets without leading zeros, and every /0../32 prefix of it', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 32 }), (o, bits) => {
        const ip = o.join('.');
        expect(goParseAddr(ip)).toBeUndefined();
        expect(goParsePrefix(`${ip}/${bits}`)).toBeUndefined();
        expect(goParsePrefix(`${ip}/${bits + 33}`)).toBeDefined();
      }),
    );
  });
  it('reject an octet with a leading zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), (n) => {
        expect(goParseAddr(`0${n}.1.1.1`)).toBeDefined();
      }),
    );
  });
  it('parse ports as base-10 uint32 exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 33n) }), (n) => {
        const r = goParseUint(n.toString(), 32);
        expect('error' in r).toBe(n > 0xffffffffn);
      }),
    );
  });
  it('never throw on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        goParseAddr(s);
        goParsePrefix(s);
        goParseUint(s, 32);
        goParseBool(s);
        goParseDuration(s);
        goParseUrl(s);
        goParseRequestUri(s);
      }),
    );
  });
  it('ParseBool accepts exactly Go spellings', () => {
    for (const s of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(goParseBool(s)).toEqual({ value: true });
    for (const s of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(goParseBool(s)).toEqual({ value: false });
    for (const s of ['yes', 'tRUE', '', ' true']) expect('error' in goParseBool(s)).toBe(true);
  });
});
