import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AppError } from '../errors.js';
import { GerritApiError } from '../gerrit/gerrit-api-error.js';
import { backoffMs, isRetryable } from './retry-backoff.js';

describe('retry backoff of the review worker', () => {
  it('grows exponentially from the base, never beyond the cap (±25% jitter)', () => {
    expect(backoffMs(1, 1_000, 60_000, () => 0.5)).toBe(1_000);
    expect(backoffMs(3, 1_000, 60_000, () => 0.5)).toBe(4_000);
    expect(backoffMs(50, 1_000, 60_000, () => 0.5)).toBe(60_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempts, base, cap, r) => {
        const delay = backoffMs(attempts, base, cap, () => r);
        return delay >= 0 && delay <= Math.ceil(Math.min(cap, base * 2 ** Math.max(0, Math.min(attempts - 1, 30))) * 1.25);
      }),
    );
  });

  it('retries live-system failures (Gerrit 5xx, no answer, the cluster unavailable), not a missing change', () => {
    expect(isRetryable(new GerritApiError({ status: 503, method: 'GET', path: 'changes/x', body: '', retryable: true }))).toBe(true);
    expect(isRetryable(new GerritApiError({ status: 0, method: 'GET', path: 'changes/x', body: '', retryable: true }))).toBe(true);
    expect(isRetryable(new AppError('unavailable', 'the cluster did not answer'))).toBe(true);
    expect(isRetryable(new GerritApiError({ status: 404, method: 'GET', path: 'changes/x', body: 'Not found', retryable: false }))).toBe(false);
    expect(isRetryable(new AppError('not-configured', 'no mesh'))).toBe(false);
    expect(isRetryable(new TypeError('bug'))).toBe(false);
  });
});
