// Differential tests of the optimized evaluation paths (src/policy/evaluate). Without a trace,
// `evaluateRequest` scans flattened per-proxy rule plans and reuses memoized derived values (paths,
// principals, hosts, waypoints, lazily built header maps); with a trace it walks the policies one by
// one. Both must give the same Decision, whatever the order in which requests warm the caches, and the
// lazy header map must equal the eager one it replaced (kept below as the reference).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import type { Decision } from '../../src/policy/evaluate/decision.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { RequestHeaders } from '../../src/policy/evaluate/request-headers.js';
import { buildMesh, meshSeedArb, requestArb } from '../arbitraries/mesh-and-requests.js';

const outcome = (d: Decision): Omit<Decision, 'trace'> => ({ decision: d.decision, protocol: d.protocol, reasons: d.reasons, ...(d.provider === undefined ? {} : { provider: d.provider }) });

/** The header map as evaluate-request.ts built it eagerly before it became lazy (reference). */
function eagerHeaders(source: Record<string, string | string[]> | undefined, method: string, raw: string, path: string | undefined, host: string | undefined): Map<string, string> {
  const h = new Map<string, string>();
  if (source !== undefined) {
    for (const [k, v] of Object.entries(source)) {
      const name = k.toLowerCase();
      const value = Array.isArray(v) ? v.join(',') : v;
      const prev = h.get(name);
      h.set(name, prev === undefined ? value : `${prev},${value}`);
    }
  }
  h.set(':method', method);
  const q = raw.search(/[?#]/);
  h.set(':path', (path ?? raw) + (q >= 0 ? raw.slice(q) : ''));
  if (host !== undefined) {
    h.set(':authority', host);
    h.delete('host');
  }
  return h;
}

const scenarioArb = meshSeedArb.chain((seed) => fc.tuple(fc.constant(seed), fc.array(requestArb(seed), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 1_000_000 })));

describe('optimized evaluation, differentially', () => {
  it('without a trace (flattened plans) decides exactly as with a trace (policy by policy)', () => {
    fc.assert(
      fc.property(scenarioArb, ([seed, requests]) => {
        const compiled = compileMesh(buildMesh(seed));
        for (const r of requests) {
          const fast = evaluateRequest(compiled, r, { trace: false });
          const traced = evaluateRequest(compiled, r, { trace: true });
          expect(outcome(fast), JSON.stringify(r)).toEqual(outcome(traced));
          expect(fast.trace).toEqual([]);
          expect(traced.trace.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same full Decision whatever order warms the per-mesh caches and memos', () => {
    fc.assert(
      fc.property(scenarioArb, ([seed, requests, shuffle]) => {
        const mesh = buildMesh(seed);
        const warm = compileMesh(mesh);
        const order = requests.map((r, i) => ({ r, k: (i * 7919 + shuffle) % 104729 })).sort((a, b) => a.k - b.k);
        for (const { r } of order) evaluateRequest(warm, r, { trace: false });
        for (const trace of [false, true]) {
          for (const r of requests) {
            // A fresh compile per request: nothing cached by an earlier decision.
            const cold = evaluateRequest(compileMesh(mesh), r, { trace });
            expect(evaluateRequest(warm, r, { trace }), JSON.stringify(r)).toEqual(cold);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('builds the lazy header map exactly as the eager one, in the same order', () => {
    const name = fc.constantFrom('x-k', 'X-K', 'host', 'Host', ':path', 'user-agent', 'a b');
    const value = fc.oneof(fc.constantFrom('v', '', 'w,x'), fc.array(fc.constantFrom('v', 'w', ''), { maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.option(fc.dictionary(name, value), { nil: undefined }),
        fc.constantFrom('GET', 'POST'),
        fc.constantFrom('/a', '/a?q=1', '/a#f', '/b/../c?x#y', '/%00'),
        fc.option(fc.constantFrom('/a', '/c'), { nil: undefined }),
        fc.option(fc.constantFrom('h.example.com', 'H:80'), { nil: undefined }),
        (source, method, raw, path, host) => {
          const lazy = new RequestHeaders(source, method, raw, path, host);
          const eager = eagerHeaders(source, method, raw, path, host);
          expect(lazy.get('x-k')).toBe(eager.get('x-k'));
          expect(lazy.has(':authority')).toBe(eager.has(':authority'));
          expect([...lazy]).toEqual([...eager]);
          expect(lazy.size).toBe(eager.size);
          expect([...lazy.keys()]).toEqual([...eager.keys()]);
          expect([...lazy.values()]).toEqual([...eager.values()]);
          const seen: [string, string][] = [];
          lazy.forEach((v, k) => seen.push([k, v]));
          expect(seen).toEqual([...eager.entries()]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a request rejected for whitespace in a header name is denied with or without a trace', () => {
    const compiled = compileMesh(buildMesh({ workloads: [{ namespace: 'foo', app: 'a', serviceAccount: 'sa1', dataplane: 'sidecar' }], policies: [], peerAuthentications: [], requestAuthentications: [], trustDomainAliases: [] }));
    const r: AccessRequest = { to: { namespace: 'foo', workload: 'a', port: 80, protocol: 'http' }, from: { plaintext: true }, headers: { ok: '1', 'bad name': '2' } };
    const fast = evaluateRequest(compiled, r, { trace: false });
    const traced = evaluateRequest(compiled, r);
    expect(fast.decision).toBe('DENY');
    expect(fast.reasons[0]?.message).toContain('"bad name" contains whitespace');
    expect(outcome(fast)).toEqual(outcome(traced));
  });
});
