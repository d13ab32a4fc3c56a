import { describe, expect, it } from 'vitest';

import { DEFAULT_MODEL_RETRY, isRetryableModelStatus, modelRetryDelay, retryAfterMs } from './model-retry-policy.js';

describe('model retry policy', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([400, 401, 404, 408, 422, 429, 500, 503, 599].filter(isRetryableModelStatus)).toEqual([408, 429, 500, 503, 599]);
  });

  it('reads Retry-After as seconds or a date, retry-after-ms first', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs('2', undefined, now)).toBe(2_000);
    expect(retryAfterMs('0.5', undefined, now)).toBe(500);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:03 GMT', undefined, now)).toBe(3_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 09:00:00 GMT', undefined, now)).toBe(0);
    expect(retryAfterMs('2', '250', now)).toBe(250);
    expect(retryAfterMs('soon', undefined, now)).toBeUndefined();
    expect(retryAfterMs(null, null, now)).toBeUndefined();
  });

  it('waits what the server asked, else full-jitter backoff capped', () => {
    expect(modelRetryDelay(1, 1_234, DEFAULT_MODEL_RETRY, () => 0.5)).toBe(1_234);
    expect(modelRetryDelay(1, undefined, DEFAULT_MODEL_RETRY, () => 0.999)).toBe(499);
    expect(modelRetryDelay(3, undefined, DEFAULT_MODEL_RETRY, () => 0.999)).toBe(1_998);
    expect(modelRetryDelay(10, undefined, DEFAULT_MODEL_RETRY, () => 0.999)).toBe(7_992);
  });
});
