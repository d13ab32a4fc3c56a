// pass@k (evals/harness/pass-at-k.ts): the closed form agrees with counting subsets, the edge cases
// (no pass, all pass, k = n) are exact, and nonsense counts are refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { passAtK } from '../../../evals/harness/pass-at-k.js';

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe('passAtK', () => {
  it('is 1 - C(n-c, k) / C(n, k)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n }))), ([n, c, k]) => {
        expect(passAtK(n, c, k)).toBeCloseTo(1 - binomial(n - c, k) / binomial(n, k), 10);
      }),
    );
  });

  it('has exact edge cases', () => {
    expect(passAtK(5, 0, 1)).toBe(0);
    expect(passAtK(5, 5, 1)).toBe(1);
    expect(passAtK(4, 1, 4)).toBe(1);
    expect(passAtK(4, 1, 1)).toBeCloseTo(0.25, 12);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
  });

  it('never decreases with k', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 15 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n - 1 }))), ([n, c, k]) => {
        expect(passAtK(n, c, k + 1)).toBeGreaterThanOrEqual(passAtK(n, c, k) - 1e-12);
      }),
    );
  });

  it('refuses counts that make no sense', () => {
    expect(() => passAtK(3, 4, 1)).toThrow(RangeError);
    expect(() => passAtK(3, 1, 4)).toThrow(RangeError);
    expect(() => passAtK(0, 0, 1)).toThrow(RangeError);
    expect(() => passAtK(3, -1, 1)).toThrow(RangeError);
    expect(() => passAtK(2.5, 1, 1)).toThrow(RangeError);
  });
});
