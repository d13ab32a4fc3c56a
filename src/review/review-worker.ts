// The queue worker: claims one ledger entry at a time (the claim is atomic in the store, so any number
// of workers in any number of processes review each patch set once), reviews and posts it, and records
// the outcome; when Gerrit or the cluster does not answer, the entry goes back to the queue with
// backoff, never voted on. A worker woken by the webhook drains at once; otherwise it looks every
// `idleMs`. `isLeader` (Kubernetes Lease election) lets only one replica work at a time when configured.
import { randomUUID } from 'node:crypto';

import type { Logger } from '../log.js';
import type { ReviewLedgerEntry } from '../store/review-ledger.js';
import { backoffMs, describeError, isRetryable } from './retry-backoff.js';
import { buildPatchSetReview, postPatchSetReview, skipReason, type ReviewBotDeps } from './review-patch-set.js';

export interface ReviewWorkerOptions {
  readonly logger: Logger;
  /** Identifies this worker's claims (default: a random id). */
  readonly workerId?: string;
  /** Look for due work this often when not woken (ms, default 1,000). */
  readonly idleMs?: number;
  /** Work only while this says so (leader election); default always. */
  readonly isLeader?: () => boolean;
  /** Called after each entry is finished or rescheduled (metrics, tests). */
  readonly onSettled?: (entry: ReviewLedgerEntry, outcome: { readonly state: string; readonly detail: string }) => void;
}

export class ReviewWorker {
  readonly workerId: string;
  private readonly deps: ReviewBotDeps;
  private readonly options: ReviewWorkerOptions;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly abort = new AbortController();

  constructor(deps: ReviewBotDeps, options: ReviewWorkerOptions) {
    this.deps = deps;
    this.options = options;
    this.workerId = options.workerId ?? `worker-${randomUUID()}`;
  }

  /** Reviews one claimable entry; false when there was none. */
  async runOnce(): Promise<boolean> {
    const { copilot, settings } = this.deps;
    const entry = await copilot.store.claimReview(this.workerId, settings.claimMs);
    if (entry === undefined) return false;
    const log = this.options.logger.child({ changeId: `${entry.project}~${entry.change}`, patchset: entry.patchset });
    try {
      const review = await buildPatchSetReview(this.deps, entry, this.abort.signal);
      const skip = review.alreadyPosted ? undefined : skipReason(review);
      const outcome = skip !== undefined ? { state: 'skipped' as const, detail: skip } : await postPatchSetReview(this.deps, review, this.abort.signal);
      await copilot.store.finishReview(entry, this.workerId, outcome);
      log.info(`review ${outcome.state}: ${outcome.detail}`, { vote: outcome.state === 'posted' ? outcome.vote : undefined });
      this.options.onSettled?.(entry, outcome);
    } catch (error) {
      const detail = describeError(error);
      if (this.abort.signal.aborted) {
        // Stopping: hand the entry back at once, for this process after a restart or another replica.
        await copilot.store.retryReview(entry, this.workerId, copilot.clock(), `interrupted: ${detail}`);
        return false;
      }
      if (isRetryable(error) && entry.attempts < settings.maxAttempts) {
        const delay = backoffMs(entry.attempts, settings.retryBaseMs, settings.retryMaxMs);
        await copilot.store.retryReview(entry, this.workerId, new Date(copilot.clock().getTime() + delay), detail);
        log.warn(`review postponed ${delay} ms (attempt ${entry.attempts}): ${detail}`);
        this.options.onSettled?.(entry, { state: 'retry', detail });
      } else {
        await copilot.store.finishReview(entry, this.workerId, { state: 'failed', detail });
        log.error(`review failed after ${entry.attempts} attempt(s): ${detail}`);
        this.options.onSettled?.(entry, { state: 'failed', detail });
      }
    }
    return true;
  }

  /** Reviews entries until none is claimable; returns how many were handled. */
  async drain(): Promise<number> {
    let handled = 0;
    while (await this.runOnce()) handled++;
    return handled;
  }

  /** Makes a running worker look for work now (the webhook queued something). */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const idle = this.options.idleMs ?? 1_000;
    while (this.running) {
      this.woken = false;
      try {
        if (this.options.isLeader?.() !== false) await this.drain();
      } catch (error) {
        // The store itself failed (busy, closed): log and look again later.
        if (this.running) this.options.logger.warn(`review worker: ${describeError(error)}`);
      }
      if (!this.running) break;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idle);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
