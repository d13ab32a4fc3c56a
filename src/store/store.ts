// What the use cases see of gic's state (docs/architecture.md "src/store"): proposals, conversations and
// the append-only, hash-chained audit log. The embedded implementation is SQLite (node:sqlite); a
// PostgreSQL one fills the same interface, so SQL stays portable. Time comes from an injected clock.
// The review bot's ledger is a separate interface (review-ledger.ts) that every Store also implements.
import type { ReviewLedger } from './review-ledger.js';

/** Which model and prompt produced (part of) an outcome; recorded with each audited call. */
export interface ModelUse {
  readonly model: string;
  readonly endpoint: string;
  readonly promptId: string;
  readonly promptVersion: number;
  readonly promptTokens?: number;
  readonly completionTokens?: number;
}

export type AuditOutcome = 'ok' | 'refused' | 'failed' | 'rejected';

export interface AuditEntryInput {
  /** Who: the caller's identity (`user:alice`, `spiffe://...`, `local:<os user>`, `bot:gic`). */
  readonly actor: string;
  /** What: a command (`gic submit`) or a tool (`mcp:policy_propose`), or a bot action (`review:post`). */
  readonly action: string;
  /** SHA-256 (hex) over the canonical encoding of the inputs. */
  readonly inputsHash: string;
  readonly outcome: AuditOutcome;
  /** One line a person can read: what happened, or why it was refused. */
  readonly detail?: string;
  readonly models?: readonly ModelUse[];
  /** Evidence worth keeping (proposal id, verified, access delta summary, change URL). JSON only. */
  readonly evidence?: Readonly<Record<string, unknown>>;
  readonly durationMs?: number;
}

export interface AuditEntry extends AuditEntryInput {
  /** 1, 2, 3... with no gaps. */
  readonly seq: number;
  /** ISO 8601 UTC, from the store's clock. */
  readonly time: string;
  /** Hash of the previous entry (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 (hex) over the canonical encoding of this entry without `hash`. */
  readonly hash: string;
}

/** A time range of the audit log: both ends inclusive, ISO 8601 with any zone; absent: unbounded. */
export interface AuditRange {
  readonly since?: string;
  readonly until?: string;
}

/** How the chain was broken at the first bad entry (docs/audit-log.md "What verify detects"). */
export type AuditBreakKind = 'edited' | 'removed' | 'inserted' | 'reordered' | 'malformed' | 'head';

export interface AuditVerifyResult {
  readonly ok: boolean;
  /** Entries read from the log (all of them, also when the chain is broken). */
  readonly entries: number;
  /** The first entry that was changed, removed or inserted, or null. */
  readonly firstBad: { readonly seq: number; readonly reason: string; readonly kind: AuditBreakKind } | null;
  /**
   * The chain head the store recorded with the last append (seq 0 and 64 zeros for an empty log), or null
   * when that record is missing. Keep it outside the store (a ticket, a signed note) to detect later
   * truncation: a verify that reports a lower seq, or another hash at that seq, was cut back.
   */
  readonly head: { readonly seq: number; readonly hash: string } | null;
}

export interface ProposalRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly createdBy: string;
  /** The structured intent (JSON). */
  readonly intent: unknown;
  readonly yaml: string;
  readonly verified: boolean;
  /** The full propose result (validation, dry-run, diff, unintended, findings): JSON. */
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly conversationId?: string;
  /** Set once the proposal was submitted for review. */
  readonly change?: { readonly project: string; readonly number: number; readonly url: string; readonly changeId: string };
}

export interface ConversationTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly time: string;
  /** Structured state of the turn (the intent so far, questions asked, proposal id): JSON. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface ConversationRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly turns: readonly ConversationTurn[];
}

/**
 * Errors are AppErrors: `not-found` (an unknown proposal or conversation), `bad-request` (another record
 * under an existing id, a proposal submitted as another change, a time bound that is not ISO 8601),
 * `internal` (an entry or record that is not well-formed: the field is named), and `store-*` for the
 * store itself (`store-busy` retryable, `store-chain-broken`, `store-read-only`, `store-closed`,
 * `store-corrupt`, `store-incompatible`, `store-failed`). The behaviour is pinned by
 * test/conformance/store-conformance.ts, which every implementation runs.
 */
export interface Store extends ReviewLedger {
  /**
   * Validates, seals (seq, time from the store's clock, prevHash, hash) and durably appends one entry;
   * concurrent appends (also from other processes or replicas) are serialized, never forked. Refuses
   * (`store-chain-broken`) to continue a log whose end was changed outside gic.
   */
  appendAudit(entry: AuditEntryInput): Promise<AuditEntry>;
  /**
   * Entries in seq order, optionally bounded by time (inclusive; ISO 8601, any zone), all in memory: for
   * small logs and tests. A reader of the whole log (an export) uses iterateAudit.
   */
  listAudit(range?: AuditRange): Promise<AuditEntry[]>;
  /**
   * The same entries as listAudit, streamed: read from one consistent snapshot a page at a time
   * (`pageSize` rows, default 1,000), so memory stays bounded however long the log. Nothing is read
   * until the iteration starts; errors (a bad bound `bad-request`, a malformed row `store-corrupt` with
   * listAudit's message, `store-closed`) come from the iteration. Iterate to the end or stop early with
   * `break` (the snapshot is released either way) before closing the store.
   */
  iterateAudit(range?: AuditRange & { readonly pageSize?: number }): AsyncIterable<AuditEntry>;
  /** Verifies the whole chain against its head in one consistent snapshot (docs/audit-log.md). */
  verifyAudit(): Promise<AuditVerifyResult>;

  /** Stores a proposal; the same record again is a no-op, another record under its id is refused. */
  saveProposal(proposal: ProposalRecord): Promise<void>;
  getProposal(id: string): Promise<ProposalRecord | undefined>;
  /** Records the review change of a submitted proposal (the same change again is a no-op, another is refused). */
  markProposalSubmitted(id: string, change: NonNullable<ProposalRecord['change']>): Promise<void>;

  /** A new conversation with a fresh id, created now by `createdBy`. */
  createConversation(createdBy: string): Promise<ConversationRecord>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** Adds a turn (time from the store's clock) and returns the whole conversation. */
  appendTurn(id: string, turn: Omit<ConversationTurn, 'time'>): Promise<ConversationRecord>;

  /** Waits for appends already requested, then closes; later calls fail with `store-closed`. */
  close(): Promise<void>;
}
