// When and how long to wait before retrying a Gerrit call: exponential backoff with full jitter, capped,
// honouring Retry-After (seconds or an HTTP date) on 429 and 503. Pure: randomness and the clock are
// parameters, so the schedule is testable.

export interface RetryOptions {
  /** Total attempts including the first; 1 disables retries. */
  readonly maxAttempts: number;
  /** Backoff base: attempt n (1-based) waits up to base * 2^(n-1). */
  readonly baseDelayMs: number;
  /** Cap on any single wait, Retry-After included. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000 };

/** Statuses worth retrying for an idempotent call: rate limit and transient server/proxy failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Full-jitter backoff for the wait after failed attempt `attempt` (1-based); `random` in [0, 1). */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Milliseconds a Retry-After header asks to wait, or undefined when absent or unreadable.
 * `nowMs` is the current time, for the HTTP-date form.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only the HTTP-date form is left; Date.parse would also read things like "0.5" as a date.
  if (!/^[A-Za-z]{3}, /.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** The wait before the next attempt: Retry-After on 429/503 when given (capped), else jittered backoff. */
export function retryDelay(
  attempt: number,
  status: number,
  retryAfterHeader: string | undefined,
  options: RetryOptions,
  nowMs: number,
  random: () => number = Math.random,
): number {
  if (status === 429 || status === 503) {
    const asked = parseRetryAfter(retryAfterHeader, nowMs);
    if (asked !== undefined) return Math.min(asked, options.maxDelayMs);
  }
  return backoffDelay(attempt, options, random);
}
