// Reading request JSON: the fast reader accepts exactly what the schema accepts, with the same value
// (property); hostile values (`__proto__`, `constructor`, deep nesting, any JSON) never pollute a
// prototype, never throw and never overflow the stack; addresses, principals, paths and methods are
// checked as a proxy receives them (exit 2 in the CLI).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AccessRequestSchema } from '../evaluate/access-request.js';
import { describeRequestProblems, fastAccessRequest, readAccessRequest, REQUEST_LIMITS, withoutNulls } from './read-access-request.js';
import { readRequestText } from './read-request-text.js';

const str = fc.oneof(fc.constantFrom('', 'foo', 'web', 'GET', '/a', '10.0.0.1', 'cluster.local/ns/a/sa/b', '__proto__', 'constructor', 'invalid'), fc.string({ maxLength: 6 }));
const scalar = fc.oneof(str, fc.integer({ min: -2, max: 70000 }), fc.constantFrom(null, true, false, 1.5, 8080));
const key = (known: readonly string[]): fc.Arbitrary<string> => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'extra') });
const record = (known: readonly string[], value: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> =>
  fc.array(fc.tuple(key(known), value), { maxLength: 5 }).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
const stringMap = record(['a', 'x-tenant', 'app'], fc.oneof({ weight: 5, arbitrary: str }, { weight: 1, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(str, { maxLength: 2 }) }));
const claims = record(['groups', 'roles', 'nested'], fc.oneof(scalar, fc.array(str, { maxLength: 3 }), fc.jsonValue({ maxDepth: 3 })));
const target = record(['namespace', 'workload', 'labels', 'serviceAccount', 'port', 'protocol'], fc.oneof(scalar, stringMap, fc.constantFrom('http', 'tcp', 'grpc')));
const source = record(['namespace', 'workload', 'principal', 'plaintext', 'ip'], scalar);
const jwt = fc.oneof(fc.constant('invalid'), record(['iss', 'sub', 'aud', 'azp', 'claims', 'header', 'param', 'groups'], fc.oneof(scalar, fc.array(str, { maxLength: 2 }), claims)));
const requestLike = record(['to', 'from', 'method', 'path', 'host', 'headers', 'jwt', 'sourceIp', 'remoteIp', 'destinationIp', 'sni'], fc.oneof(target, source, jwt, stringMap, scalar));
// Mostly well-formed requests too, so the fast path is exercised on what it accepts.
const wellFormed = fc.record(
  {
    to: fc.record({ namespace: fc.constantFrom('foo', 'bar'), workload: fc.constantFrom('web', 'db'), port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: ['namespace'] }),
    from: fc.oneof(fc.record({ namespace: fc.constant('bar'), workload: fc.constant('sleep') }), fc.record({ principal: fc.constant('cluster.local/ns/a/sa/b') }), fc.record({ plaintext: fc.constant(true as const), ip: fc.constant('10.1.2.3') }, { requiredKeys: ['plaintext'] })),
    method: fc.constantFrom('GET', 'POST'),
    path: fc.constantFrom('/', '/api?x=1'),
    headers: stringMap,
    jwt,
  },
  { requiredKeys: ['to'] },
);

/** JSON with object keys sorted, and each object's prototype checked to be Object.prototype. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('readAccessRequest', () => {
  it('gives exactly the schema\'s result on the fast path, and defers to the schema otherwise', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(requestLike, wellFormed), (value) => {
        const copy = JSON.parse(JSON.stringify(value)) as unknown;
        const quick = fastAccessRequest(copy);
        const schema = AccessRequestSchema.safeParse(withoutNulls(copy));
        if (quick !== undefined) {
          fast++;
          expect(schema.success).toBe(true);
          // Compared as canonical JSON: a `constructor` key confuses structural matchers.
          expect(canonical(quick)).toBe(canonical(schema.data));
        }
        const reading = readAccessRequest(copy);
        if (!schema.success) expect(reading.ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(100);
  });

  it('never lets __proto__ or constructor keys reach a prototype', () => {
    const text = '{"to":{"namespace":"a","workload":"b","port":80,"labels":null},"__proto__":{"polluted":1},"headers":{"__proto__":{"polluted":2},"constructor":"x"},"jwt":{"iss":"i","__proto__":{"polluted":3},"claims":{"__proto__":{"polluted":4},"constructor":{"prototype":{"polluted":5}}}}}';
    readRequestText(text);
    const ok = readRequestText(text.replace('"__proto__":{"polluted":1},', ''));
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(Object.getPrototypeOf(ok.request)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(ok.request.headers)).toBe(Object.prototype);
      expect(ok.request.headers).toStrictEqual({ constructor: 'x' });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses nesting deeper than the limit with one problem, for any depth, without overflowing the stack', () => {
    for (const depth of [REQUEST_LIMITS.maxDepth + 1, 10_000, 200_000]) {
      const text = `{"to":{"namespace":"a","workload":"b"},"jwt":{"claims":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
      const reading = readRequestText(text);
      expect(reading.ok).toBe(false);
      if (!reading.ok) expect(describeRequestProblems('line 1', reading.problems)).toBe(`line 1 is nested deeper than ${REQUEST_LIMITS.maxDepth} levels; a request nests a few levels at most`);
    }
  });

  it('never throws on arbitrary text or JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v))), (text) => {
        const reading = readRequestText(text);
        if (!reading.ok) expect(reading.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports where an unclosed string opened', () => {
    const reading = readRequestText('{"to": {"namespace": "a}}');
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(describeRequestProblems('--request', reading.problems)).toBe('--request is not valid JSON: unclosed string: the " at column 22 is not closed');
  });
});

describe('request values as a proxy receives them', () => {
  const problems = (extra: Record<string, unknown>): string[] => {
    const reading = readAccessRequest({ to: { namespace: 'a', workload: 'b', port: 80 }, ...extra });
    return reading.ok ? [] : reading.problems.map((p) => p.field);
  };

  it('refuses addresses that are not IP addresses', () => {
    expect(problems({ sourceIp: '10.0.0.300' })).toEqual(['sourceIp']);
    expect(problems({ remoteIp: 'example.com' })).toEqual(['remoteIp']);
    expect(problems({ destinationIp: '10.0.0.1/24' })).toEqual(['destinationIp']);
    expect(problems({ from: { plaintext: true, ip: '1.2.3' } })).toEqual(['from.ip']);
    expect(problems({ sourceIp: '10.0.0.1', remoteIp: 'fd00::1' })).toEqual([]);
  });

  it('refuses principals that are not <trust domain>/ns/<ns>/sa/<sa>', () => {
    expect(problems({ from: { principal: 'bar/sleep' } })).toEqual(['from.principal']);
    expect(problems({ from: { principal: 'cluster.local/ns/bar' } })).toEqual(['from.principal']);
    expect(problems({ from: { principal: 'spiffe://cluster.local/ns/bar/sa/sleep' } })).toEqual([]);
  });

  it('refuses paths that are not request targets, methods that are not tokens, and port 0', () => {
    expect(problems({ path: 'api/x' })).toEqual(['path']);
    expect(problems({ path: '/a b' })).toEqual(['path']);
    expect(problems({ path: '*', method: 'OPTIONS' })).toEqual([]);
    expect(problems({ method: 'GE T' })).toEqual(['method']);
    const zero = readAccessRequest({ to: { namespace: 'a', workload: 'b', port: 0 } });
    expect(zero.ok ? [] : zero.problems.map((p) => p.field)).toEqual(['to.port']);
  });
});
