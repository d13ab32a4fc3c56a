// The Store on PostgreSQL (node-postgres `pg`), for several gic replicas sharing one state. The same
// tables, migrations and portable queries as the SQLite store (migrations.ts, store-queries.ts); what is
// PostgreSQL's own is locking: migrations run under a transaction-scoped advisory lock so replicas that
// start together apply each once; every audit append locks the chain head row (SELECT ... FOR UPDATE)
// in READ COMMITTED, so appends from all replicas are serialized and the chain never forks; verify reads
// the head and the rows in one REPEATABLE READ snapshot, the rows page by page through a server-side
// cursor (bounded memory however long the log); iterateAudit (the export) streams the same way, on a
// cursor of its own in one REPEATABLE READ snapshot. Appends of one process are committed in groups
// (one transaction, one multi-row INSERT). The review bot's ledger uses the same portable statements
// as SQLite; claiming locks the next claimable row with FOR UPDATE SKIP LOCKED, so workers of all
// replicas take different rows at once without a leader. A transaction that lost a race (serialization failure,
// deadlock, duplicate key) or could not reach the server before COMMIT is retried with backoff; a
// failure after COMMIT was sent is reported, never retried, so an entry is never written twice.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import { AppError } from '../errors.js';
import { auditChainVerifier, sealAfterTail, type AuditHead } from './audit-chain.js';
import { checkAuditEntryInput } from './audit-entry-input-schema.js';
import { AUDIT_COLUMNS, auditRowValues, checkAuditPageSize, decodeStoredAuditRow, rowSeq, type AuditRow } from './audit-row.js';
import { decodeConversation, turnRowValues } from './conversation-row.js';
import { LATEST_SCHEMA_VERSION, newerSchemaError, MIGRATIONS, MIGRATIONS_TABLE_SQL } from './migrations.js';
import { isConnectionFailure, isTransactionConflict, postgresError, redactUrl } from './postgres-errors.js';
import { checkProposalChange, decodeProposalRow, proposalRowValues } from './proposal-row.js';
import { LEDGER_QUERIES, listReviewsQuery } from './review-ledger-queries.js';
import { decodeGrantRow, decodeReviewRow } from './review-ledger-row.js';
import type { PatchSetKey, ReviewEnqueue, ReviewLedgerEntry, ReviewOutcome, ReviewState, TimeBoundGrant, GrantUpdate } from './review-ledger.js';
import { auditRangeQuery, QUERIES } from './store-queries.js';
import type { AuditEntry, AuditEntryInput, AuditRange, AuditVerifyResult, ConversationRecord, ConversationTurn, ProposalRecord, Store } from './store.js';
import { auditBounds, isoBound } from './time-bounds.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (sslmode etc. as node-postgres reads them). */
  readonly url: string;
  /** Open for reading only: no migration, every transaction READ ONLY, writes refused. */
  readonly readOnly?: boolean;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** How long a transaction keeps retrying conflicts and connection failures before it gives up (ms, default 30,000). */
  readonly retryForMs?: number;
  /** How long to wait for a connection (ms, default 10,000). */
  readonly connectTimeoutMs?: number;
  /** A statement running longer than this is cancelled (ms, default 60,000). */
  readonly statementTimeoutMs?: number;
  /** application_name shown in pg_stat_activity (default `gic`). */
  readonly applicationName?: string;
  /** Audit rows fetched per round trip from the cursors verification and iterateAudit read through (default 1,000; 1-100,000). */
  readonly verifyFetchSize?: number;
}

/** Key of the advisory lock held while migrations are applied (any constant shared by every gic). */
const MIGRATION_LOCK_KEY = 0x67_69_63_01; // 'gic' 1

/** Audit rows per FETCH while verifying: a page at a time is all the memory verification holds. */
const VERIFY_FETCH_SIZE = 1_000;

/** Entries committed in one transaction at most (12 parameters each, far below PostgreSQL's 65,535). */
const MAX_GROUP = 256;

type Row = Readonly<Record<string, unknown>>;
type Param = string | number | null;

interface PendingAppend {
  readonly input: AuditEntryInput;
  resolve(entry: AuditEntry): void;
  reject(error: unknown): void;
}

/** BIGINT as a number when it is safe, else a bigint (rowSeq reports it); the rest as pg parses it. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8) {
      return (text: string) => {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : BigInt(text);
      };
    }
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/** Opens the PostgreSQL store: connects, applies pending migrations (or checks the schema, read-only). */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStore(options);
  try {
    await store.init();
  } catch (error) {
    await store.end();
    throw error;
  }
  return store;
}

export class PostgresStore implements Store {
  /** The URL without its password. */
  readonly where: string;
  readonly readOnly: boolean;
  private readonly pool: pg.Pool;
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly retryForMs: number;
  private readonly verifyFetchSize: number;
  private readonly pendingAppends: PendingAppend[] = [];
  private appending: Promise<void> | undefined;
  private closed = false;
  private ended = false;

  /** Use openPostgresStore: the constructor only creates the pool. */
  constructor(options: PostgresStoreOptions) {
    this.where = redactUrl(options.url);
    this.readOnly = options.readOnly === true;
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.retryForMs = options.retryForMs ?? 30_000;
    this.verifyFetchSize = checkAuditPageSize(options.verifyFetchSize ?? VERIFY_FETCH_SIZE, 'verifyFetchSize');
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      statement_timeout: options.statementTimeoutMs ?? 60_000,
      application_name: options.applicationName ?? 'gic',
      types: TYPES,
      ...(this.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    // An idle connection that dies (server restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Applies pending migrations under the advisory lock (writable), or checks the schema (read-only). */
  async init(): Promise<void> {
    if (this.readOnly) {
      const version = await this.transaction('reading the store schema', 'BEGIN READ ONLY', async (client) => {
        const table = await client.query("SELECT to_regclass('schema_migrations') AS t");
        if ((table.rows[0] as Row)['t'] === null) throw new AppError('input-unreadable', `${this.where} is not a gic store (it has no schema_migrations table)`);
        return this.schemaVersion(client);
      });
      if (version < 1) throw new AppError('input-unreadable', `${this.where} is not a gic store (no migration was applied)`);
      if (version > LATEST_SCHEMA_VERSION) throw newerSchemaError(this.where, version);
      return;
    }
    await this.transaction('applying migrations', 'BEGIN', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(MIGRATIONS_TABLE_SQL);
      const current = await this.schemaVersion(client);
      if (current > LATEST_SCHEMA_VERSION) throw newerSchemaError(this.where, current);
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements) await client.query(statement);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, this.clock().toISOString()]);
      }
    });
  }

  async appendAudit(input: AuditEntryInput): Promise<AuditEntry> {
    this.assertWritable('appending to the audit log');
    const checked = checkAuditEntryInput(input);
    return new Promise<AuditEntry>((resolve, reject) => {
      this.pendingAppends.push({ input: checked, resolve, reject });
      this.appending ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drainAppends());
    });
  }

  private async drainAppends(): Promise<void> {
    try {
      while (this.pendingAppends.length > 0) {
        const group = this.pendingAppends.splice(0, MAX_GROUP);
        try {
          const entries = await this.transaction('appending to the audit log', 'BEGIN', (client) => this.appendGroup(client, group.map((p) => p.input)));
          group.forEach((p, i) => p.resolve(entries[i]!));
        } catch (error) {
          for (const p of group) p.reject(error);
        }
      }
    } finally {
      this.appending = undefined;
    }
  }

  /** Holds the chain head row lock until COMMIT: no other replica can move the tail meanwhile. */
  private async appendGroup(client: pg.PoolClient, inputs: readonly AuditEntryInput[]): Promise<AuditEntry[]> {
    const headRow = (await client.query(QUERIES.auditHeadForUpdate)).rows[0] as Row | undefined;
    const head = toHead(headRow);
    const tail = (await client.query(QUERIES.auditTail)).rows[0] as Row | undefined;
    const entries = sealAfterTail(head, tail === undefined ? undefined : { seq: tail['seq'], hash: tail['hash'], time: tail['time'] }, inputs, this.clock(), this.where);
    const width = AUDIT_COLUMNS.length;
    const values = entries.map((_, row) => `(${AUDIT_COLUMNS.map((_c, col) => `$${row * width + col + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES ${values}`, entries.flatMap(auditRowValues));
    const last = entries.at(-1);
    if (last !== undefined) await client.query(QUERIES.updateAuditHead, [last.seq, last.hash]);
    return entries;
  }

  async listAudit(range: AuditRange = {}): Promise<AuditEntry[]> {
    const query = auditRangeQuery(auditBounds(range));
    const rows = await this.query('listing the audit log', query.sql, query.params);
    return rows.map((row) => decodeStoredAuditRow(row as unknown as AuditRow, this.where));
  }

  iterateAudit(range: AuditRange & { readonly pageSize?: number } = {}): AsyncIterable<AuditEntry> {
    return this.streamAudit(range);
  }

  /**
   * iterateAudit: one REPEATABLE READ READ ONLY transaction on one pooled connection, the rows through a
   * server-side cursor, `pageSize` rows per FETCH (the statement timeout applies per page). Opening it
   * (up to the first page) is retried like any read; a failure after entries were handed out is
   * reported, never retried (the caller has already used them). The connection is held while the caller
   * iterates and is given back when the iteration ends, fails or is stopped early.
   */
  private async *streamAudit(range: AuditRange & { readonly pageSize?: number }): AsyncGenerator<AuditEntry, void, undefined> {
    this.assertOpen();
    const query = auditRangeQuery(auditBounds(range));
    const pageSize = checkAuditPageSize(range.pageSize ?? this.verifyFetchSize, 'pageSize');
    const what = 'exporting the audit log';
    const fetch = `FETCH ${pageSize} FROM audit_export`;
    let client: pg.PoolClient | undefined;
    let broken: unknown;
    const open = async (): Promise<AuditRow[]> => {
      const connection = await this.pool.connect();
      client = connection;
      try {
        await connection.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await connection.query(`DECLARE audit_export NO SCROLL CURSOR FOR ${query.sql}`, query.params);
        return (await connection.query(fetch)).rows as AuditRow[];
      } catch (error) {
        client = undefined;
        const lost = isConnectionFailure(error);
        if (!lost) await connection.query('ROLLBACK').catch(() => undefined);
        connection.release(lost ? (error as Error) : undefined);
        throw error;
      }
    };
    let page = await this.retrying(what, open, () => true);
    let finished = false;
    try {
      while (page.length > 0) {
        for (const row of page) yield decodeStoredAuditRow(row, this.where);
        this.assertOpen();
        try {
          page = (await client!.query(fetch)).rows as AuditRow[];
        } catch (error) {
          if (isConnectionFailure(error)) broken = error;
          throw postgresError(error, this.where, what);
        }
      }
      finished = true;
    } finally {
      const connection = client!;
      if (broken === undefined) {
        // Read only: COMMIT and ROLLBACK end it alike; CLOSE is implied.
        await connection.query(finished ? 'COMMIT' : 'ROLLBACK').catch((error: unknown) => (broken = error));
      }
      connection.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
    }
  }

  /**
   * Streams the log through the chain verifier with bounded memory: the head and the rows come from one
   * REPEATABLE READ snapshot, the rows through a server-side cursor, `verifyFetchSize` rows per FETCH
   * (each FETCH is its own statement, so the statement timeout applies per page, not to the whole log).
   * A retried attempt (lost connection) starts over with a fresh verifier.
   */
  async verifyAudit(): Promise<AuditVerifyResult> {
    return this.transaction('verifying the audit log', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
      const head = toHead((await client.query(QUERIES.auditHead)).rows[0] as Row | undefined);
      const verifier = auditChainVerifier(head);
      await client.query(`DECLARE audit_rows NO SCROLL CURSOR FOR ${QUERIES.auditAll}`);
      const fetch = `FETCH ${this.verifyFetchSize} FROM audit_rows`;
      for (let page = (await client.query(fetch)).rows as AuditRow[]; page.length > 0; page = (await client.query(fetch)).rows as AuditRow[]) {
        for (const row of page) verifier.push(row);
      }
      await client.query('CLOSE audit_rows');
      return verifier.end();
    });
  }

  async saveProposal(proposal: ProposalRecord): Promise<void> {
    const values = proposalRowValues(proposal, this.clock().toISOString());
    this.assertWritable('saving a proposal');
    await this.transaction('saving a proposal', 'BEGIN', async (client) => {
      const existing = (await client.query(QUERIES.proposalById, [proposal.id])).rows[0] as Row | undefined;
      if (existing === undefined) {
        // Two replicas saving the same id at once: the loser gets a duplicate key and runs this again.
        await client.query(QUERIES.insertProposal, values);
        return;
      }
      const stored = proposalRowValues(decodeProposalRow(existing), null);
      const fresh = proposalRowValues(proposal, null);
      if (JSON.stringify(stored) !== JSON.stringify(fresh)) throw new AppError('bad-request', `a different proposal with id ${proposal.id} is already stored`);
    });
  }

  async getProposal(id: string): Promise<ProposalRecord | undefined> {
    const [row] = await this.query('reading a proposal', QUERIES.proposalById, [id]);
    return row === undefined ? undefined : decodeProposalRow(row);
  }

  async markProposalSubmitted(id: string, change: NonNullable<ProposalRecord['change']>): Promise<void> {
    checkProposalChange(change);
    this.assertWritable('recording a submitted proposal');
    await this.transaction('recording a submitted proposal', 'BEGIN', async (client) => {
      const updated = await client.query(QUERIES.markProposalSubmitted, [id, change.project, change.number, change.url, change.changeId, this.clock().toISOString()]);
      if ((updated.rowCount ?? 0) > 0) return;
      const row = (await client.query(QUERIES.proposalById, [id])).rows[0] as Row | undefined;
      if (row === undefined) throw new AppError('not-found', `no proposal ${id} in the store`);
      const current = decodeProposalRow(row).change;
      if (current !== undefined && (current.project !== change.project || current.number !== change.number || current.changeId !== change.changeId)) {
        throw new AppError('bad-request', `proposal ${id} was already submitted for review as ${current.project}~${current.number} (${current.url})`);
      }
    });
  }

  async createConversation(createdBy: string): Promise<ConversationRecord> {
    if (typeof createdBy !== 'string' || createdBy === '') throw new AppError('internal', 'a conversation needs the identity that starts it');
    this.assertWritable('creating a conversation');
    const id = this.newId();
    return this.transaction('creating a conversation', 'BEGIN', async (client) => {
      const createdAt = this.clock().toISOString();
      await client.query(QUERIES.insertConversation, [id, createdAt, createdBy]);
      return { id, createdAt, createdBy, turns: [] };
    });
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.transaction('reading a conversation', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (client) => this.conversation(client, id));
  }

  async appendTurn(id: string, turn: Omit<ConversationTurn, 'time'>): Promise<ConversationRecord> {
    this.assertWritable('adding a conversation turn');
    return this.transaction('adding a conversation turn', 'BEGIN', async (client) => {
      // Locking the conversation serializes its turns across replicas (no duplicate turn number).
      const locked = await client.query(`${QUERIES.conversationById} FOR UPDATE`, [id]);
      if (locked.rows.length === 0) throw new AppError('not-found', `no conversation ${id} in the store`);
      const last = Number((await client.query(QUERIES.lastTurn, [id])).rows[0]['last']);
      await client.query(QUERIES.insertTurn, turnRowValues(id, last + 1, turn, this.clock().toISOString()));
      return (await this.conversation(client, id)) as ConversationRecord;
    });
  }

  // ---- the review bot's ledger (review-ledger.ts) ----

  async enqueueReview(item: ReviewEnqueue): Promise<boolean> {
    this.assertWritable('queueing a review');
    const now = this.clock().toISOString();
    return this.transaction('queueing a review', 'BEGIN', async (client) => ((await client.query(LEDGER_QUERIES.insertReview, [item.project, item.change, item.patchset, item.revision, item.source, now])).rowCount ?? 0) > 0);
  }

  /**
   * Leader-election-free claiming: the oldest claimable row is locked with FOR UPDATE SKIP LOCKED, so
   * workers of every replica claim different rows at once instead of queueing on one; the guarded
   * UPDATE (the portable claim) then takes it.
   */
  async claimReview(worker: string, leaseMs: number): Promise<ReviewLedgerEntry | undefined> {
    this.assertWritable('claiming a review');
    return this.transaction('claiming a review', 'BEGIN', async (client) => {
      const now = this.clock();
      const at = now.toISOString();
      const next = (await client.query(`${LEDGER_QUERIES.nextClaimable} FOR UPDATE SKIP LOCKED`, [at])).rows[0] as Row | undefined;
      if (next === undefined) return undefined;
      const key = [next['project'], next['change_number'], next['patchset']] as Param[];
      const claimed = await client.query(LEDGER_QUERIES.claimReview, [at, ...key, worker, new Date(now.getTime() + leaseMs).toISOString()]);
      if ((claimed.rowCount ?? 0) === 0) return undefined;
      return decodeReviewRow((await client.query(LEDGER_QUERIES.reviewByKey, key)).rows[0] as Row);
    });
  }

  async finishReview(key: PatchSetKey, worker: string, outcome: ReviewOutcome): Promise<boolean> {
    this.assertWritable('finishing a review');
    const vote = outcome.state === 'posted' ? outcome.vote : null;
    return this.transaction('finishing a review', 'BEGIN', async (client) => ((await client.query(LEDGER_QUERIES.finishReview, [key.project, key.change, key.patchset, worker, outcome.state, outcome.detail, vote, this.clock().toISOString()])).rowCount ?? 0) > 0);
  }

  async retryReview(key: PatchSetKey, worker: string, notBefore: Date, detail: string): Promise<boolean> {
    this.assertWritable('rescheduling a review');
    return this.transaction('rescheduling a review', 'BEGIN', async (client) => ((await client.query(LEDGER_QUERIES.retryReview, [key.project, key.change, key.patchset, worker, notBefore.toISOString(), detail, this.clock().toISOString()])).rowCount ?? 0) > 0);
  }

  async getReview(key: PatchSetKey): Promise<ReviewLedgerEntry | undefined> {
    const [row] = await this.query('reading a review', LEDGER_QUERIES.reviewByKey, [key.project, key.change, key.patchset]);
    return row === undefined ? undefined : decodeReviewRow(row);
  }

  async listReviews(filter: { readonly state?: ReviewState; readonly project?: string; readonly change?: number } = {}): Promise<ReviewLedgerEntry[]> {
    const query = listReviewsQuery(filter);
    return (await this.query('listing reviews', query.sql, query.params)).map(decodeReviewRow);
  }

  async getCursor(name: string): Promise<string | undefined> {
    const [row] = await this.query('reading a cursor', LEDGER_QUERIES.cursorByName, [name]);
    return row === undefined ? undefined : String(row['value']);
  }

  async setCursor(name: string, value: string): Promise<void> {
    this.assertWritable('moving a cursor');
    await this.transaction('moving a cursor', 'BEGIN', (client) => client.query(LEDGER_QUERIES.upsertCursor, [name, value, this.clock().toISOString()]));
  }

  async recordGrant(grant: Omit<TimeBoundGrant, 'state' | 'removal' | 'detail'>): Promise<void> {
    const expires = isoBound(grant.expires, 'expires');
    this.assertWritable('recording a time-bound grant');
    await this.transaction('recording a time-bound grant', 'BEGIN', async (client) => {
      const now = this.clock().toISOString();
      await client.query(LEDGER_QUERIES.insertGrant, [grant.policy, expires, grant.project, grant.branch, grant.path, grant.origin ?? null, now]);
      await client.query(LEDGER_QUERIES.retireOtherGrants, [grant.policy, expires, now]);
    });
  }

  async listExpiredGrants(now: Date): Promise<TimeBoundGrant[]> {
    return (await this.query('listing expired grants', LEDGER_QUERIES.expiredGrants, [now.toISOString()])).map(decodeGrantRow);
  }

  async listGrants(): Promise<TimeBoundGrant[]> {
    return (await this.query('listing time-bound grants', LEDGER_QUERIES.allGrants)).map(decodeGrantRow);
  }

  async markGrant(policy: string, expires: string, update: GrantUpdate): Promise<boolean> {
    const at = isoBound(expires, 'expires');
    this.assertWritable('updating a time-bound grant');
    return this.transaction('updating a time-bound grant', 'BEGIN', async (client) => {
      const now = this.clock().toISOString();
      const result =
        'removal' in update
          ? await client.query(LEDGER_QUERIES.markGrantRemoval, [policy, at, update.removal.number, update.removal.url, now])
          : 'refused' in update
            ? await client.query(LEDGER_QUERIES.markGrantRefused, [policy, at, update.refused, now])
            : await client.query(LEDGER_QUERIES.markGrantGone, [policy, at, now]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async claimGrant(policy: string, expires: string, sweeper: string, leaseMs: number): Promise<boolean> {
    const at = isoBound(expires, 'expires');
    this.assertWritable('claiming a time-bound grant');
    return this.transaction('claiming a time-bound grant', 'BEGIN', async (client) => {
      const now = this.clock();
      return ((await client.query(LEDGER_QUERIES.claimGrant, [policy, at, sweeper, new Date(now.getTime() + leaseMs).toISOString(), now.toISOString()])).rowCount ?? 0) > 0;
    });
  }

  /** One round trip (`SELECT 1`) within `timeoutMs`: readiness probes ask this, never retried. */
  async ping(timeoutMs = 2_000): Promise<void> {
    this.assertOpen();
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new AppError('store-timeout', `${this.where} did not answer within ${timeoutMs} ms`, { retryable: true })), timeoutMs).unref());
    try {
      await Promise.race([this.pool.query('SELECT 1'), timer]);
    } catch (error) {
      throw postgresError(error, this.where, 'checking the store');
    }
  }

  /** Waits for appends already requested, then ends the pool; later calls fail with `store-closed`. */
  async close(): Promise<void> {
    while (this.appending !== undefined) await this.appending;
    this.closed = true;
    await this.end();
  }

  /** Ends the pool (idempotent). */
  async end(): Promise<void> {
    this.closed = true;
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }

  private async conversation(client: pg.PoolClient, id: string): Promise<ConversationRecord | undefined> {
    const row = (await client.query(QUERIES.conversationById, [id])).rows[0] as Row | undefined;
    if (row === undefined) return undefined;
    return decodeConversation(row, (await client.query(QUERIES.turnsOf, [id])).rows as Row[]);
  }

  private async schemaVersion(client: pg.PoolClient): Promise<number> {
    const row = (await client.query('SELECT MAX(version) AS version FROM schema_migrations')).rows[0] as Row | undefined;
    return Number(row?.['version'] ?? 0);
  }

  /** One statement outside an explicit transaction, retried while the server cannot be reached. */
  private async query(what: string, sql: string, params: readonly Param[] = []): Promise<Row[]> {
    this.assertOpen();
    return this.retrying(what, async () => (await this.pool.query(sql, params as Param[])).rows as Row[], () => true);
  }

  /**
   * Runs `work` in a transaction on one pooled connection. Retried from the start when it lost a race or
   * the connection failed before COMMIT was sent; after that the outcome is unknown and is reported.
   */
  private async transaction<T>(what: string, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.assertOpen();
    let committing = false;
    return this.retrying(
      what,
      async () => {
        committing = false;
        const client = await this.pool.connect();
        let broken: unknown;
        try {
          await client.query(begin);
          const result = await work(client);
          committing = true;
          await client.query('COMMIT');
          return result;
        } catch (error) {
          broken = isConnectionFailure(error) ? error : undefined;
          if (!committing || broken === undefined) await client.query('ROLLBACK').catch((rollback: unknown) => (broken ??= rollback));
          throw error;
        } finally {
          // A connection in an unknown state is discarded, not returned to the pool.
          client.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
        }
      },
      (error) => !committing || !isConnectionFailure(error),
    );
  }

  private async retrying<T>(what: string, attempt: () => Promise<T>, mayRetry: (error: unknown) => boolean): Promise<T> {
    const deadline = performance.now() + this.retryForMs;
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (AppError.isInstance(error)) throw error;
        const retryable = (isTransactionConflict(error) || isConnectionFailure(error)) && mayRetry(error);
        if (!retryable || performance.now() >= deadline || this.closed) {
          if (isConnectionFailure(error) && !mayRetry(error)) {
            throw new AppError('store-unavailable', `${what}: ${this.where}: the connection was lost while committing; the outcome is unknown (gic audit verify shows what was written)`, { cause: error });
          }
          throw postgresError(error, this.where, what);
        }
        await sleep(Math.min(200, 2 ** Math.min(tries, 8)) * (0.5 + Math.random()));
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('store-closed', `the store ${this.where} is closed`);
  }

  private assertWritable(what: string): void {
    this.assertOpen();
    if (this.readOnly) throw new AppError('store-read-only', `${what}: the store ${this.where} was opened read-only`);
  }
}

function toHead(row: Row | undefined): AuditHead | undefined {
  if (row === undefined) return undefined;
  const seq = rowSeq(row['seq']);
  return seq === undefined || typeof row['hash'] !== 'string' ? undefined : { seq, hash: row['hash'] };
}

