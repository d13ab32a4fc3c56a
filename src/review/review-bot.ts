// The review bot as `gic serve` runs it: the intake the webhook route hands events to (it records them
// in the ledger and wakes the worker), the queue worker, and a timer that polls Gerrit for patch sets
// missed while gic was down and sweeps expiring grants. The poller, the sweeper and the worker run only
// while `isLeader` says so (Kubernetes Lease election when replicas share a store); the intake works
// on every replica, since the ledger makes queueing idempotent.
import type { GerritEvent } from '../gerrit/gerrit-events.js';
import type { Logger } from '../log.js';
import { sweepGrants } from './grant-sweeper.js';
import { intakeEvent, type IntakeResult } from './gerrit-event-intake.js';
import { describeError } from './retry-backoff.js';
import type { ReviewBotDeps } from './review-patch-set.js';
import { answerReviewerCommands } from './reviewer-commands.js';
import { pollChanges } from './review-poller.js';
import { ReviewWorker } from './review-worker.js';

export interface ReviewBotOptions {
  readonly logger: Logger;
  /** Gerrit's web URL, for links in removal changes. */
  readonly baseUrl?: string;
  readonly isLeader?: () => boolean;
  readonly workerId?: string;
  /** Worker idle period (ms). */
  readonly idleMs?: number;
}

export class ReviewBot {
  readonly worker: ReviewWorker;
  private readonly deps: ReviewBotDeps;
  private readonly options: ReviewBotOptions;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private commands: Promise<void> = Promise.resolve();

  constructor(deps: ReviewBotDeps, options: ReviewBotOptions) {
    this.deps = deps;
    this.options = options;
    this.worker = new ReviewWorker(deps, { logger: options.logger.child({ component: 'review-worker' }), ...(options.workerId !== undefined ? { workerId: options.workerId } : {}), ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}), ...(options.isLeader !== undefined ? { isLeader: options.isLeader } : {}) });
  }

  /** Records an event (durably, before the webhook is answered) and wakes whoever acts on it. */
  async receive(event: GerritEvent): Promise<IntakeResult> {
    const result = await intakeEvent(event, this.deps.copilot.store, this.deps.settings);
    if (result.action === 'queued') this.worker.wake();
    if (result.action === 'merged') this.tick();
    if (result.action === 'comments') {
      // Replies only; not durable (a lost reply is asked for again by the reviewer).
      const { project, change } = result;
      this.commands = this.commands
        .then(() => answerReviewerCommands(this.deps, project, change))
        .then(
          () => undefined,
          (error: unknown) => this.options.logger.warn(`reviewer commands on ${project}~${change}: ${describeError(error)}`),
        );
    }
    return result;
  }

  /** Waits for reviewer-command replies in progress (tests, shutdown). */
  async settled(): Promise<void> {
    await this.commands;
  }

  /** One poll and one grant sweep (leader only); errors are logged, the next tick tries again. */
  async pollOnce(): Promise<void> {
    if (this.options.isLeader?.() === false) return;
    try {
      const polled = await pollChanges(this.deps);
      if (polled.queued > 0) {
        this.options.logger.info(`poll: ${polled.queued} patch set(s) queued of ${polled.seen} open change(s)`);
        this.worker.wake();
      }
      await sweepGrants(this.deps, { logger: this.options.logger, ...(this.options.baseUrl !== undefined ? { baseUrl: this.options.baseUrl } : {}) });
    } catch (error) {
      this.options.logger.warn(`review poll: ${describeError(error)}`);
    }
  }

  start(): void {
    this.worker.start();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.deps.settings.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.commands;
    await this.worker.stop();
  }

  private tick(): void {
    if (this.ticking !== undefined) return;
    this.ticking = this.pollOnce().finally(() => {
      this.ticking = undefined;
    });
  }
}
