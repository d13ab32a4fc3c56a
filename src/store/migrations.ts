// The store's schema as versioned migrations, applied in order at open and recorded in
// `schema_migrations` (version, name, applied_at). The SQL is portable: it runs unchanged on SQLite and
// PostgreSQL (TEXT, BIGINT, INTEGER, DOUBLE PRECISION, CHECK, composite keys; no AUTOINCREMENT, no
// SERIAL, no JSON types, no dialect functions). Parameters are written `$1`, `$2`, ... as PostgreSQL
// wants them; the SQLite store rewrites them (sqlite-sql.ts). Times are ISO 8601 UTC text, JSON values
// are their canonical JSON text, booleans are 0/1. A released migration is never edited: add one.
import { AppError } from '../errors.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** The table that records applied migrations; each store creates it before reading it. */
export const MIGRATIONS_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit log with chain head, proposals, conversations',
    statements: [
      `CREATE TABLE audit_log (
        seq BIGINT NOT NULL PRIMARY KEY,
        time TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        inputs_hash TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT,
        models TEXT,
        evidence TEXT,
        duration_ms DOUBLE PRECISION,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      )`,
      'CREATE INDEX audit_log_time ON audit_log (time)',
      // One row: the seq and hash of the last entry, written in the same transaction as each append.
      // Appends lock it (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE) and refuse to
      // continue a chain whose last row disagrees with it; verify compares the chain's end with it.
      `CREATE TABLE audit_head (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        seq BIGINT NOT NULL,
        hash TEXT NOT NULL
      )`,
      `INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}')`,
      `CREATE TABLE proposals (
        id TEXT NOT NULL PRIMARY KEY,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        intent TEXT NOT NULL,
        yaml TEXT NOT NULL,
        verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
        evidence TEXT NOT NULL,
        conversation_id TEXT,
        change_project TEXT,
        change_number BIGINT,
        change_url TEXT,
        change_id TEXT,
        submitted_at TEXT
      )`,
      'CREATE INDEX proposals_conversation ON proposals (conversation_id)',
      `CREATE TABLE conversations (
        id TEXT NOT NULL PRIMARY KEY,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      )`,
      `CREATE TABLE conversation_turns (
        conversation_id TEXT NOT NULL REFERENCES conversations (id),
        turn INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        text TEXT NOT NULL,
        time TEXT NOT NULL,
        data TEXT,
        PRIMARY KEY (conversation_id, turn)
      )`,
    ],
  },
  {
    version: 2,
    name: 'review bot ledger, cursors, time-bound grants',
    statements: [
      // One row per patch set: queued once (the primary key makes re-deliveries no-ops), claimed by one
      // worker at a time (claimed_by, claimed_until), finished once (posted, skipped, failed).
      `CREATE TABLE review_ledger (
        project TEXT NOT NULL,
        change_number BIGINT NOT NULL,
        patchset INTEGER NOT NULL,
        revision TEXT NOT NULL,
        source TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'posted', 'skipped', 'failed')),
        attempts INTEGER NOT NULL,
        next_attempt_at TEXT NOT NULL,
        claimed_by TEXT,
        claimed_until TEXT,
        detail TEXT,
        vote INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (project, change_number, patchset)
      )`,
      'CREATE INDEX review_ledger_due ON review_ledger (state, next_attempt_at)',
      `CREATE TABLE review_cursors (
        name TEXT NOT NULL PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE time_bound_grants (
        policy TEXT NOT NULL,
        expires TEXT NOT NULL,
        project TEXT NOT NULL,
        branch TEXT NOT NULL,
        path TEXT NOT NULL,
        origin TEXT,
        state TEXT NOT NULL CHECK (state IN ('active', 'removal-opened', 'gone')),
        removal_number BIGINT,
        removal_url TEXT,
        claimed_by TEXT,
        claimed_until TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (policy, expires)
      )`,
    ],
  },
  {
    version: 3,
    name: 'time-bound grants: a removal the engine refused, with the reason',
    // A removal that would grant access is refused and left for a person: state `removal-refused` with
    // the reason in `detail`. SQLite cannot change a CHECK constraint in place, so the table is rebuilt
    // (portable on both stores).
    statements: [
      `CREATE TABLE time_bound_grants_v3 (
        policy TEXT NOT NULL,
        expires TEXT NOT NULL,
        project TEXT NOT NULL,
        branch TEXT NOT NULL,
        path TEXT NOT NULL,
        origin TEXT,
        state TEXT NOT NULL CHECK (state IN ('active', 'removal-opened', 'removal-refused', 'gone')),
        removal_number BIGINT,
        removal_url TEXT,
        claimed_by TEXT,
        claimed_until TEXT,
        detail TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (policy, expires)
      )`,
      `INSERT INTO time_bound_grants_v3 (policy, expires, project, branch, path, origin, state, removal_number, removal_url, claimed_by, claimed_until, updated_at)
        SELECT policy, expires, project, branch, path, origin, state, removal_number, removal_url, claimed_by, claimed_until, updated_at FROM time_bound_grants`,
      'DROP TABLE time_bound_grants',
      'ALTER TABLE time_bound_grants_v3 RENAME TO time_bound_grants',
    ],
  },
];

/** The schema version this build of gic writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** A store written by a newer gic: refused, never read or migrated down. */
export function newerSchemaError(where: string, version: number): AppError {
  return new AppError('store-incompatible', `${where} has schema version ${version}, newer than this gic knows (${LATEST_SCHEMA_VERSION}): use a newer gic`);
}
