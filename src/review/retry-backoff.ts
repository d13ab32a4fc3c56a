// When a failed review is tried again, and whether it is tried at all (pure): a live system that did
// not answer (Gerrit 5xx/429/network, the cluster's dry-run, a busy store) is retried with exponential
// backoff and jitter up to a cap, until the attempts run out; anything else (a change that does not
// exist, gic not allowed to read it) fails at once and stays in the ledger for a person to see.
import { AppError } from '../errors.js';

export function isRetryable(error: unknown): boolean {
  if (AppError.isInstance(error)) return error.retryable || error.code === 'unavailable';
  // Errors that are not AppErrors come from below the adapters (a socket): worth another try.
  return !(error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError);
}

/** Delay before attempt `attempts + 1`: base * 2^(attempts-1), capped, with ±25% jitter from `random`. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(raw * (0.75 + random() * 0.5));
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
