// When to retry a model call and how long to wait: 429 and 5xx and dropped connections are retried with
// exponential backoff and full jitter; a Retry-After (seconds or an HTTP date) or `retry-after-ms` header
// is honoured exactly, and when it asks for longer than `maxRetryAfterMs` the call fails now instead of
// waiting. Pure: the clock and randomness are parameters.

export interface ModelRetryOptions {
  /** Retries after the first attempt; 0 disables retries. */
  readonly maxRetries: number;
  /** Backoff base: retry n (1-based) waits up to base * 2^(n-1). */
  readonly baseDelayMs: number;
  /** Cap on a backoff wait. */
  readonly maxDelayMs: number;
  /** Longest Retry-After gic waits for; beyond it the call fails with the server's answer. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_MODEL_RETRY: ModelRetryOptions = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

/** Statuses worth retrying: rate limit and server-side failures. */
export function isRetryableModelStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Milliseconds the server asked to wait (`retry-after-ms`, then `retry-after`), or undefined. */
export function retryAfterMs(retryAfter: string | null | undefined, retryAfterMsHeader: string | null | undefined, now: number): number | undefined {
  if (retryAfterMsHeader != null && /^\d+(\.\d+)?$/.test(retryAfterMsHeader.trim())) return Math.ceil(Number(retryAfterMsHeader));
  if (retryAfter == null || retryAfter.trim() === '') return undefined;
  const text = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before retry `retry` (1-based): the server's ask when given, else jittered backoff. */
export function modelRetryDelay(retry: number, askedMs: number | undefined, options: ModelRetryOptions, random: () => number): number {
  if (askedMs !== undefined) return askedMs;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
