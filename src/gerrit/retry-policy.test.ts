import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { backoffDelay, isRetryableStatus, parseRetryAfter, retryDelay, type RetryOptions } from './retry-policy.js';

const options: RetryOptions = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('retry policy', () => {
  it('retries rate limits and transient gateway failures only', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 412, 422, 500].some(isRetryableStatus)).toBe(false);
  });

  it('backoff is full jitter under an exponential, capped ceiling', () => {
    expect(backoffDelay(1, options, () => 0.999)).toBe(99);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    expect(backoffDelay(10, options, () => 0.999)).toBe(999);
    expect(backoffDelay(2, options, () => 0)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, options, () => r);
        return delay >= 0 && delay < Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      }),
    );
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:03 GMT', now)).toBe(3_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('uses Retry-After on 429 and 503 (capped), jittered backoff otherwise', () => {
    expect(retryDelay(1, 429, '0', options, 0, () => 0.5)).toBe(0);
    expect(retryDelay(1, 503, '2', options, 0, () => 0.5)).toBe(1_000);
    expect(retryDelay(1, 429, '0.5', options, 0, () => 0.5)).toBe(50);
    expect(retryDelay(2, 502, '1', options, 0, () => 0.5)).toBe(100);
    expect(retryDelay(2, 0, undefined, options, 0, () => 0.5)).toBe(100);
  });
});
