// The review bot's durable state (issue 14 "Intake that loses nothing"), as the store interface the bot
// sees: one ledger row per patch set (queued once, claimed by one worker at a time, finished once), the
// poller's cursors, and the time-bound grants merged into the policy branch with the change that removes
// each at its expiry. Every method is one small portable statement or transaction, so the PostgreSQL
// store can implement it as the SQLite one does (test/conformance/review-ledger-conformance.ts pins it).

/** Identifies one patch set of one change. */
export interface PatchSetKey {
  readonly project: string;
  readonly change: number;
  readonly patchset: number;
}

/** `pending` waits (maybe for a retry time), `running` is claimed, the rest are final. */
export type ReviewState = 'pending' | 'running' | 'posted' | 'skipped' | 'failed';

/** Where a queued review came from. */
export type ReviewSource = 'webhook' | 'poll' | 'cli';

export interface ReviewEnqueue extends PatchSetKey {
  readonly revision: string;
  readonly source: ReviewSource;
}

export interface ReviewLedgerEntry extends ReviewEnqueue {
  readonly state: ReviewState;
  /** Attempts started so far (claims). */
  readonly attempts: number;
  /** A pending entry is not claimed before this time (ISO 8601 UTC). */
  readonly nextAttemptAt: string;
  readonly claimedBy?: string;
  /** A running entry whose claim expired (its worker died) may be claimed again. */
  readonly claimedUntil?: string;
  /** Why it ended as it did, or the last retry's reason. */
  readonly detail?: string;
  /** The vote posted (-1, 0 for none, 1). */
  readonly vote?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ReviewOutcome = { readonly state: 'posted'; readonly vote: number; readonly detail: string } | { readonly state: 'skipped' | 'failed'; readonly detail: string };

/** A time-bound grant merged into the policy branch (`policy.gic/expires`), and its removal change. */
export interface TimeBoundGrant {
  /** `AuthorizationPolicy/<namespace>/<name>`. */
  readonly policy: string;
  readonly project: string;
  readonly branch: string;
  /** The repository file holding it. */
  readonly path: string;
  /** ISO 8601 UTC. */
  readonly expires: string;
  /** The merged change that added it (`project~number`), when known. */
  readonly origin?: string;
  /** The change gic opened to remove it (set once). */
  readonly removal?: { readonly number: number; readonly url: string };
  /**
   * `gone`: the policy left the branch before it expired; nothing to remove. `removal-refused`: the
   * engine refused the removal (it would grant access, or the file would not validate): a person decides.
   */
  readonly state: 'active' | 'removal-opened' | 'removal-refused' | 'gone';
  /** Why the removal was refused. */
  readonly detail?: string;
}

/** What a sweep records about a grant: its removal change, that it is gone, or why its removal was refused. */
export type GrantUpdate = { readonly removal: { readonly number: number; readonly url: string } } | { readonly gone: true } | { readonly refused: string };

export interface ReviewLedger {
  /** Queues a patch set once: false when the ledger already has it (a re-delivery, the poller again). */
  enqueueReview(item: ReviewEnqueue): Promise<boolean>;
  /**
   * Claims the oldest claimable entry for `worker` until `now + leaseMs`: a pending one due at `now`,
   * or a running one whose claim expired. Atomic: two workers (also in two processes) never claim one entry.
   */
  claimReview(worker: string, leaseMs: number): Promise<ReviewLedgerEntry | undefined>;
  /** Ends a claimed entry; false (nothing changed) when `worker` no longer holds the claim. */
  finishReview(key: PatchSetKey, worker: string, outcome: ReviewOutcome): Promise<boolean>;
  /** Returns a claimed entry to `pending` until `notBefore` (a live system did not answer). */
  retryReview(key: PatchSetKey, worker: string, notBefore: Date, detail: string): Promise<boolean>;
  getReview(key: PatchSetKey): Promise<ReviewLedgerEntry | undefined>;
  /** Entries, oldest first, optionally of one state. */
  listReviews(filter?: { readonly state?: ReviewState; readonly project?: string; readonly change?: number }): Promise<ReviewLedgerEntry[]>;

  /** A named cursor (the poller's last `updated` seen). */
  getCursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;

  /** Records a grant (same policy and expiry again: no-op; a new expiry replaces an active record). */
  recordGrant(grant: Omit<TimeBoundGrant, 'state' | 'removal' | 'detail'>): Promise<void>;
  /** Active grants whose expiry is at or before `now`. */
  listExpiredGrants(now: Date): Promise<TimeBoundGrant[]>;
  listGrants(): Promise<TimeBoundGrant[]>;
  /**
   * Claims an active grant for `sweeper` for `leaseMs` before it opens the removal change (Gerrit does not
   * refuse two changes with one Change-Id created at the same moment); false when another sweeper holds it.
   */
  claimGrant(policy: string, expires: string, sweeper: string, leaseMs: number): Promise<boolean>;
  /**
   * Marks an active grant's removal opened (false: another process recorded one first), the grant gone,
   * or its removal refused with the reason (it then stays for a person and is no longer listed as expired).
   */
  markGrant(policy: string, expires: string, update: GrantUpdate): Promise<boolean>;
}
