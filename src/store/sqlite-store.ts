// The embedded Store on node:sqlite (no native addon): one database file, `gic.db`, in the data
// directory. WAL mode so readers never block the writer; a busy timeout so a writer waits for another
// process's lock; every write in a BEGIN IMMEDIATE transaction that reads what it builds on (the chain
// tail, the last turn) inside the transaction, retried with backoff on SQLITE_BUSY, so two processes on
// one data directory never fork the audit chain or lose an entry. Migrations (migrations.ts) run at
// open. Read-only opening (`gic audit verify|export`) never creates a file or directory. iterateAudit
// (the export) reads on a read-only connection of its own, so its snapshot outlives awaits. Times come from
// the injected clock. The work inside a transaction is synchronous, so calls interleaving in one
// process cannot interleave inside a transaction; concurrent appends of one process are committed
// together (group commit), so a busy server pays one fsync per group, not per entry.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';

import { AppError } from '../errors.js';
import { sealAfterTail, verifyAuditChain, type AuditHead } from './audit-chain.js';
import { checkAuditEntryInput } from './audit-entry-input-schema.js';
import { auditRowValues, checkAuditPageSize, decodeStoredAuditRow, rowSeq, type AuditRow } from './audit-row.js';
import { decodeConversation, turnRowValues } from './conversation-row.js';
import { LATEST_SCHEMA_VERSION, newerSchemaError, MIGRATIONS, MIGRATIONS_TABLE_SQL } from './migrations.js';
import { checkProposalChange, decodeProposalRow, proposalRowValues } from './proposal-row.js';
import { LEDGER_QUERIES, listReviewsQuery } from './review-ledger-queries.js';
import { decodeGrantRow, decodeReviewRow } from './review-ledger-row.js';
import type { PatchSetKey, ReviewEnqueue, ReviewLedgerEntry, ReviewOutcome, ReviewState, TimeBoundGrant, GrantUpdate } from './review-ledger.js';
import { isSqliteBusy, SQLITE, sqliteCode, sqliteMessage, toSqliteParameters } from './sqlite-sql.js';
import { auditRangeQuery, QUERIES } from './store-queries.js';
import type { AuditEntry, AuditEntryInput, AuditRange, AuditVerifyResult, ConversationRecord, ConversationTurn, ProposalRecord, Store } from './store.js';
import { auditBounds, isoBound } from './time-bounds.js';

/** The database file inside the data directory. */
export const STORE_FILE = 'gic.db';

export interface SqliteStoreOptions {
  /** The data directory (created, mode 0700, unless read-only); the database is `<dataDir>/gic.db`. */
  readonly dataDir?: string;
  /** The database file itself (instead of dataDir). */
  readonly file?: string;
  /** Open an existing store for reading only: no file, directory or migration is created. */
  readonly readOnly?: boolean;
  /** The clock for audit times, conversation times and submission times; default the wall clock. */
  readonly clock?: () => Date;
  /** Ids of new conversations; default random UUIDs. */
  readonly newId?: () => string;
  /** How long SQLite waits for another connection's lock before reporting SQLITE_BUSY (ms, default 5,000). */
  readonly busyTimeoutMs?: number;
  /** How long a write keeps retrying after SQLITE_BUSY before it fails with `store-busy` (ms, default 30,000). */
  readonly retryForMs?: number;
  /** SQLite `synchronous`: `full` (default: an acknowledged entry survives power loss) or `normal`. */
  readonly synchronous?: 'full' | 'normal';
}

/** Opens (creating and migrating unless read-only) the SQLite store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const file = options.file ?? (options.dataDir === undefined ? undefined : join(options.dataDir, STORE_FILE));
  if (file === undefined) throw new AppError('internal', 'openSqliteStore needs a dataDir or a file');
  const store = new SqliteStore(file, options);
  try {
    await store.init();
  } catch (error) {
    store.closeNow();
    throw error;
  }
  return store;
}

type Row = Readonly<Record<string, unknown>>;

interface PendingAppend {
  readonly input: AuditEntryInput;
  resolve(entry: AuditEntry): void;
  reject(error: unknown): void;
}

/** Entries committed in one transaction at most. */
const MAX_GROUP = 256;

/** Audit rows stepped at a time by iterateAudit (all the raw rows it holds). */
const DEFAULT_PAGE_SIZE = 1_000;

export class SqliteStore implements Store {
  readonly file: string;
  readonly readOnly: boolean;
  private readonly db: DatabaseSync;
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly retryForMs: number;
  private readonly synchronous: 'full' | 'normal';
  private readonly busyTimeoutMs: number;
  /** The connections of iterateAudit calls in progress (closed with the store). */
  private readonly snapshots = new Set<DatabaseSync>();
  private readonly statements = new Map<string, StatementSync>();
  private readonly pendingAppends: PendingAppend[] = [];
  /** The running drain of pendingAppends, if any. */
  private appending: Promise<void> | undefined;
  private closed = false;

  /** Use openSqliteStore: the constructor only opens the file. */
  constructor(file: string, options: SqliteStoreOptions) {
    this.file = file;
    this.readOnly = options.readOnly === true;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.retryForMs = options.retryForMs ?? 30_000;
    this.synchronous = options.synchronous ?? 'full';
    const timeout = options.busyTimeoutMs ?? 5_000;
    this.busyTimeoutMs = timeout;
    if (this.readOnly) {
      if (!existsSync(file)) {
        throw new AppError('input-unreadable', `no gic store at ${file}: nothing was recorded in this data directory yet, or --data-dir / GIC_DATA_DIR names another one`);
      }
      this.db = openDatabase(file, { readOnly: true, timeout });
    } else {
      const created = !existsSync(file);
      if (created) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      this.db = openDatabase(file, { timeout });
      // The audit log is evidence: readable by its owner only (the -wal and -shm files inherit this).
      if (created) chmodSync(file, 0o600);
    }
  }

  /** Sets WAL mode and applies pending migrations (writable), or checks the schema (read-only). */
  async init(): Promise<void> {
    if (this.readOnly) {
      this.checkReadableSchema();
      return;
    }
    await this.retrying('setting up the store', () => {
      const mode = this.db.prepare('PRAGMA journal_mode = WAL').get() as Row | undefined;
      if (String(mode?.['journal_mode']).toLowerCase() !== 'wal') {
        throw new AppError('store-failed', `${this.file}: SQLite refused WAL mode (journal_mode is ${String(mode?.['journal_mode'])})`);
      }
    });
    this.db.exec(`PRAGMA synchronous = ${this.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.exec('PRAGMA foreign_keys = ON');
    await this.write('applying migrations', () => {
      this.db.exec(MIGRATIONS_TABLE_SQL);
      const current = this.schemaVersion();
      if (current > LATEST_SCHEMA_VERSION) throw newerSchemaError(this.file, current);
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements) this.db.exec(statement);
        this.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, this.clock().toISOString()]);
      }
    });
  }

  /**
   * Appends are queued and committed in groups: every append requested while the previous group is
   * being written joins the next transaction (at most MAX_GROUP entries). One commit, one fsync, for
   * many concurrent callers; a caller's promise settles once its entry is durable. An entry that fails
   * validation is refused alone, before it joins a group.
   */
  async appendAudit(input: AuditEntryInput): Promise<AuditEntry> {
    this.assertOpen();
    if (this.readOnly) throw new AppError('store-read-only', `appending to the audit log: the store ${this.file} was opened read-only`);
    const checked = checkAuditEntryInput(input);
    return new Promise<AuditEntry>((resolve, reject) => {
      this.pendingAppends.push({ input: checked, resolve, reject });
      if (this.appending === undefined) {
        this.appending = new Promise<void>((done) => setImmediate(done)).then(() => this.drainAppends());
      }
    });
  }

  private async drainAppends(): Promise<void> {
    try {
      while (this.pendingAppends.length > 0) {
        const group = this.pendingAppends.splice(0, MAX_GROUP);
        try {
          const entries = await this.write('appending to the audit log', () => this.appendGroup(group.map((p) => p.input)));
          group.forEach((p, i) => p.resolve(entries[i]!));
        } catch (error) {
          for (const p of group) p.reject(error);
        }
      }
    } finally {
      this.appending = undefined;
    }
  }

  /** Inside BEGIN IMMEDIATE: no other writer can move the tail until COMMIT. */
  private appendGroup(inputs: readonly AuditEntryInput[]): AuditEntry[] {
    const head = this.readHead();
    const tail = this.get(QUERIES.auditTail);
    const entries = sealAfterTail(head, tail === undefined ? undefined : { seq: tail['seq'], hash: tail['hash'], time: tail['time'] }, inputs, this.clock(), this.file);
    for (const entry of entries) this.run(QUERIES.insertAudit, auditRowValues(entry));
    const last = entries.at(-1);
    if (last !== undefined) this.run(QUERIES.updateAuditHead, [last.seq, last.hash]);
    return entries;
  }

  async listAudit(range: AuditRange = {}): Promise<AuditEntry[]> {
    const query = auditRangeQuery(auditBounds(range));
    return this.read('listing the audit log', () => this.all(query.sql, query.params).map((row) => decodeStoredAuditRow(row as unknown as AuditRow, this.file)));
  }

  iterateAudit(range: AuditRange & { readonly pageSize?: number } = {}): AsyncIterable<AuditEntry> {
    return this.streamAudit(range);
  }

  /**
   * iterateAudit: a read transaction on a connection of its own (read-only, to the same file), so the
   * snapshot stays consistent while the caller iterates and this store's own transactions (appends on
   * the main connection) go on meanwhile. The statement iterator is stepped `pageSize` rows at a time;
   * the connection is closed when the iteration ends, fails or is stopped early (or the store closes).
   */
  private async *streamAudit(range: AuditRange & { readonly pageSize?: number }): AsyncGenerator<AuditEntry, void, undefined> {
    this.assertOpen();
    const query = auditRangeQuery(auditBounds(range));
    const pageSize = checkAuditPageSize(range.pageSize ?? DEFAULT_PAGE_SIZE, 'pageSize');
    const what = 'exporting the audit log';
    const db = openDatabase(this.file, { readOnly: true, timeout: this.busyTimeoutMs });
    this.snapshots.add(db);
    try {
      let rows: Iterator<unknown> | undefined;
      const nextPage = (): AuditRow[] => {
        const page: AuditRow[] = [];
        for (let step = rows!.next(); step.done !== true; step = rows!.next()) {
          page.push(step.value as AuditRow);
          if (page.length === pageSize) break;
        }
        return page;
      };
      // The snapshot is taken by the first step: retried while another process holds a lock SQLite needs.
      let page = await this.retrying(what, () => {
        if (db.isTransaction) db.exec('ROLLBACK');
        db.exec('BEGIN');
        rows = db.prepare(toSqliteParameters(query.sql)).iterate(...query.params);
        return nextPage();
      });
      while (page.length > 0) {
        for (const row of page) yield decodeStoredAuditRow(row, this.file);
        this.assertOpen();
        try {
          page = nextPage();
        } catch (error) {
          throw storeError(error, this.file, what);
        }
      }
    } finally {
      this.snapshots.delete(db);
      if (db.isOpen) db.close();
    }
  }

  async verifyAudit(): Promise<AuditVerifyResult> {
    return this.read('verifying the audit log', () => {
      const head = this.readHead();
      return verifyAuditChain(this.statement(QUERIES.auditAll).iterate() as Iterable<AuditRow>, head);
    });
  }

  async saveProposal(proposal: ProposalRecord): Promise<void> {
    const values = proposalRowValues(proposal, this.clock().toISOString());
    await this.write('saving a proposal', () => {
      const existing = this.get(QUERIES.proposalById, [proposal.id]);
      if (existing === undefined) {
        this.run(QUERIES.insertProposal, values);
        return;
      }
      // Saving the same record again (a retried call) is a no-op; another record under the id is not.
      const stored = proposalRowValues(decodeProposalRow(existing), null);
      const fresh = proposalRowValues(proposal, null);
      if (JSON.stringify(stored) !== JSON.stringify(fresh)) throw new AppError('bad-request', `a different proposal with id ${proposal.id} is already stored`);
    });
  }

  async getProposal(id: string): Promise<ProposalRecord | undefined> {
    return this.read('reading a proposal', () => {
      const row = this.get(QUERIES.proposalById, [id]);
      return row === undefined ? undefined : decodeProposalRow(row);
    });
  }

  async markProposalSubmitted(id: string, change: NonNullable<ProposalRecord['change']>): Promise<void> {
    checkProposalChange(change);
    await this.write('recording a submitted proposal', () => {
      const updated = this.run(QUERIES.markProposalSubmitted, [id, change.project, change.number, change.url, change.changeId, this.clock().toISOString()]);
      if (updated.changes > 0) return;
      const row = this.get(QUERIES.proposalById, [id]);
      if (row === undefined) throw new AppError('not-found', `no proposal ${id} in the store`);
      const current = decodeProposalRow(row).change;
      // The same change recorded twice (a retried call) is fine; another change is not.
      if (current !== undefined && (current.project !== change.project || current.number !== change.number || current.changeId !== change.changeId)) {
        throw new AppError('bad-request', `proposal ${id} was already submitted for review as ${current.project}~${current.number} (${current.url})`);
      }
    });
  }

  async createConversation(createdBy: string): Promise<ConversationRecord> {
    if (typeof createdBy !== 'string' || createdBy === '') throw new AppError('internal', 'a conversation needs the identity that starts it');
    const id = this.newId();
    return this.write('creating a conversation', () => {
      const createdAt = this.clock().toISOString();
      this.run(QUERIES.insertConversation, [id, createdAt, createdBy]);
      return { id, createdAt, createdBy, turns: [] };
    });
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.read('reading a conversation', () => this.conversation(id));
  }

  async appendTurn(id: string, turn: Omit<ConversationTurn, 'time'>): Promise<ConversationRecord> {
    return this.write('adding a conversation turn', () => {
      if (this.get(QUERIES.conversationById, [id]) === undefined) throw new AppError('not-found', `no conversation ${id} in the store`);
      const last = Number((this.get(QUERIES.lastTurn, [id]) as Row)['last']);
      this.run(QUERIES.insertTurn, turnRowValues(id, last + 1, turn, this.clock().toISOString()));
      return this.conversation(id) as ConversationRecord;
    });
  }

  // ---- the review bot's ledger (review-ledger.ts) ----

  async enqueueReview(item: ReviewEnqueue): Promise<boolean> {
    const now = this.clock().toISOString();
    return this.write('queueing a review', () => this.run(LEDGER_QUERIES.insertReview, [item.project, item.change, item.patchset, item.revision, item.source, now]).changes > 0);
  }

  async claimReview(worker: string, leaseMs: number): Promise<ReviewLedgerEntry | undefined> {
    return this.write('claiming a review', () => {
      const now = this.clock();
      const at = now.toISOString();
      const next = this.get(LEDGER_QUERIES.nextClaimable, [at]);
      if (next === undefined) return undefined;
      const key = [next['project'], next['change_number'], next['patchset']] as SQLInputValue[];
      const claimed = this.run(LEDGER_QUERIES.claimReview, [at, ...key, worker, new Date(now.getTime() + leaseMs).toISOString()]);
      if (claimed.changes === 0) return undefined;
      return decodeReviewRow(this.get(LEDGER_QUERIES.reviewByKey, key) as Row);
    });
  }

  async finishReview(key: PatchSetKey, worker: string, outcome: ReviewOutcome): Promise<boolean> {
    const vote = outcome.state === 'posted' ? outcome.vote : null;
    return this.write('finishing a review', () => this.run(LEDGER_QUERIES.finishReview, [key.project, key.change, key.patchset, worker, outcome.state, outcome.detail, vote, this.clock().toISOString()]).changes > 0);
  }

  async retryReview(key: PatchSetKey, worker: string, notBefore: Date, detail: string): Promise<boolean> {
    return this.write('rescheduling a review', () => this.run(LEDGER_QUERIES.retryReview, [key.project, key.change, key.patchset, worker, notBefore.toISOString(), detail, this.clock().toISOString()]).changes > 0);
  }

  async getReview(key: PatchSetKey): Promise<ReviewLedgerEntry | undefined> {
    return this.read('reading a review', () => {
      const row = this.get(LEDGER_QUERIES.reviewByKey, [key.project, key.change, key.patchset]);
      return row === undefined ? undefined : decodeReviewRow(row);
    });
  }

  async listReviews(filter: { readonly state?: ReviewState; readonly project?: string; readonly change?: number } = {}): Promise<ReviewLedgerEntry[]> {
    const query = listReviewsQuery(filter);
    return this.read('listing reviews', () => this.all(query.sql, query.params).map(decodeReviewRow));
  }

  async getCursor(name: string): Promise<string | undefined> {
    return this.read('reading a cursor', () => {
      const row = this.get(LEDGER_QUERIES.cursorByName, [name]);
      return row === undefined ? undefined : String(row['value']);
    });
  }

  async setCursor(name: string, value: string): Promise<void> {
    await this.write('moving a cursor', () => this.run(LEDGER_QUERIES.upsertCursor, [name, value, this.clock().toISOString()]));
  }

  async recordGrant(grant: Omit<TimeBoundGrant, 'state' | 'removal' | 'detail'>): Promise<void> {
    const expires = isoBound(grant.expires, 'expires');
    await this.write('recording a time-bound grant', () => {
      const now = this.clock().toISOString();
      this.run(LEDGER_QUERIES.insertGrant, [grant.policy, expires, grant.project, grant.branch, grant.path, grant.origin ?? null, now]);
      this.run(LEDGER_QUERIES.retireOtherGrants, [grant.policy, expires, now]);
    });
  }

  async listExpiredGrants(now: Date): Promise<TimeBoundGrant[]> {
    return this.read('listing expired grants', () => this.all(LEDGER_QUERIES.expiredGrants, [now.toISOString()]).map(decodeGrantRow));
  }

  async listGrants(): Promise<TimeBoundGrant[]> {
    return this.read('listing time-bound grants', () => this.all(LEDGER_QUERIES.allGrants).map(decodeGrantRow));
  }

  async claimGrant(policy: string, expires: string, sweeper: string, leaseMs: number): Promise<boolean> {
    const at = isoBound(expires, 'expires');
    return this.write('claiming a time-bound grant', () => {
      const now = this.clock();
      return this.run(LEDGER_QUERIES.claimGrant, [policy, at, sweeper, new Date(now.getTime() + leaseMs).toISOString(), now.toISOString()]).changes > 0;
    });
  }

  async markGrant(policy: string, expires: string, update: GrantUpdate): Promise<boolean> {
    const at = isoBound(expires, 'expires');
    return this.write('updating a time-bound grant', () => {
      const now = this.clock().toISOString();
      const result =
        'removal' in update
          ? this.run(LEDGER_QUERIES.markGrantRemoval, [policy, at, update.removal.number, update.removal.url, now])
          : 'refused' in update
            ? this.run(LEDGER_QUERIES.markGrantRefused, [policy, at, update.refused, now])
            : this.run(LEDGER_QUERIES.markGrantGone, [policy, at, now]);
      return result.changes > 0;
    });
  }

  /** Closes after the appends already requested are written. */
  async close(): Promise<void> {
    while (this.appending !== undefined) await this.appending;
    this.closeNow();
  }

  /** Closes synchronously (idempotent). */
  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    for (const snapshot of this.snapshots) if (snapshot.isOpen) snapshot.close();
    this.snapshots.clear();
    if (this.db.isOpen) this.db.close();
  }

  private conversation(id: string): ConversationRecord | undefined {
    const row = this.get(QUERIES.conversationById, [id]);
    return row === undefined ? undefined : decodeConversation(row, this.all(QUERIES.turnsOf, [id]));
  }

  private readHead(): AuditHead | undefined {
    const row = this.get(QUERIES.auditHead);
    if (row === undefined) return undefined;
    const seq = rowSeq(row['seq']);
    return seq === undefined || typeof row['hash'] !== 'string' ? undefined : { seq, hash: row['hash'] };
  }

  private schemaVersion(): number {
    const row = this.db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as Row | undefined;
    return Number(row?.['version'] ?? 0);
  }

  private checkReadableSchema(): void {
    let version: number;
    try {
      const table = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
      if (table === undefined) throw new AppError('input-unreadable', `${this.file} is not a gic store (it has no schema_migrations table)`);
      version = this.schemaVersion();
    } catch (error) {
      throw storeError(error, this.file, 'reading the store');
    }
    if (version < 1) throw new AppError('input-unreadable', `${this.file} is not a gic store (no migration was applied)`);
    if (version > LATEST_SCHEMA_VERSION) throw newerSchemaError(this.file, version);
  }

  /** A write transaction (BEGIN IMMEDIATE), retried from the start while another process holds the lock. */
  private async write<T>(what: string, work: () => T): Promise<T> {
    this.assertOpen();
    if (this.readOnly) throw new AppError('store-read-only', `${what}: the store ${this.file} was opened read-only`);
    return this.retrying(what, () => this.transaction('BEGIN IMMEDIATE', work));
  }

  /** A read transaction: one consistent snapshot for every query inside it. */
  private async read<T>(what: string, work: () => T): Promise<T> {
    this.assertOpen();
    return this.retrying(what, () => this.transaction('BEGIN', work));
  }

  private transaction<T>(begin: string, work: () => T): T {
    this.db.exec(begin);
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private async retrying<T>(what: string, attempt: () => T): Promise<T> {
    const deadline = performance.now() + this.retryForMs;
    for (let tries = 1; ; tries++) {
      try {
        return attempt();
      } catch (error) {
        if (!isSqliteBusy(error)) throw storeError(error, this.file, what);
        if (performance.now() >= deadline) {
          throw new AppError('store-busy', `${what}: the store ${this.file} stayed locked by another process for ${this.retryForMs} ms`, { retryable: true, cause: error });
        }
        // Jittered backoff so two waiting processes do not retry in lock step.
        await sleep(Math.min(100, 2 ** Math.min(tries, 7)) * (0.5 + Math.random()));
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('store-closed', `the store ${this.file} is closed`);
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(toSqliteParameters(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private get(sql: string, params: readonly SQLInputValue[] = []): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  private all(sql: string, params: readonly SQLInputValue[] = []): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  private run(sql: string, params: readonly SQLInputValue[]): { changes: number } {
    const result = this.statement(sql).run(...params);
    return { changes: Number(result.changes) };
  }
}

function openDatabase(file: string, options: { readOnly?: boolean; timeout: number }): DatabaseSync {
  try {
    return new DatabaseSync(file, { readOnly: options.readOnly === true, timeout: options.timeout, enableForeignKeyConstraints: true });
  } catch (error) {
    throw storeError(error, file, 'opening the store');
  }
}

/** A node:sqlite error as an AppError that says which file and what failed. */
function storeError(error: unknown, file: string, what: string): unknown {
  if (AppError.isInstance(error)) return error;
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const message = `${what}: ${file}: ${sqliteMessage(error)}`;
  switch (code) {
    case SQLITE.CANTOPEN:
    case SQLITE.NOTADB:
      return new AppError('input-unreadable', code === SQLITE.NOTADB ? `${file} is not a gic store (not an SQLite database)` : message, { cause: error });
    case SQLITE.CORRUPT:
      return new AppError('store-corrupt', message, { cause: error });
    case SQLITE.READONLY:
      return new AppError('store-read-only', message, { cause: error });
    default:
      return new AppError('store-failed', message, { cause: error });
  }
}

