// What only the SQLite store does (the shared behaviour is in test/conformance/store-conformance.ts):
// the data directory and file modes, WAL, recorded migrations, read-only opening that creates nothing,
// clear errors for a missing file, a file that is not a database or one from a newer gic, waiting for
// another process's lock and giving up with store-busy, and SQLite's loose column types (a fractional
// seq slipped between two entries).
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AppError } from '../errors.js';
import { auditRowValues } from './audit-row.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js';
import { openSqliteStore, STORE_FILE } from './sqlite-store.js';
import { toSqliteParameters } from './sqlite-sql.js';
import { QUERIES } from './store-queries.js';
import type { AuditEntryInput } from './store.js';

const input = (i: number): AuditEntryInput => ({ actor: 'user:alice', action: 'gic propose', inputsHash: String(i % 10).repeat(64), outcome: 'ok' });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (AppError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gic-sqlite-store-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('SqliteStore', () => {
  it('creates the data directory (0700) and the database (0600) in WAL mode, and records its migrations', async () => {
    const dataDir = join(root, 'state', 'gic');
    const store = await openSqliteStore({ dataDir, clock: () => new Date('2026-12-07T10:00:00Z') });
    await store.appendAudit(input(1));
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, STORE_FILE)).mode & 0o777).toBe(0o600);
    await store.close();
    const db = new DatabaseSync(join(dataDir, STORE_FILE), { readOnly: true });
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all().map((r) => ({ ...r }))).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: '2026-12-07T10:00:00.000Z' })),
    );
    db.close();
  });

  it('applies migrations once: reopening and a second writer leave the schema as it is', async () => {
    const a = await openSqliteStore({ dataDir: root });
    const b = await openSqliteStore({ dataDir: root });
    await a.appendAudit(input(1));
    await b.appendAudit(input(2));
    await a.close();
    await b.close();
    const db = new DatabaseSync(join(root, STORE_FILE));
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    db.close();
  });

  it('migration 3 keeps the grants a store at schema 2 recorded, and then takes a refused removal', async () => {
    const db = new DatabaseSync(join(root, STORE_FILE));
    db.exec('CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) {
      for (const statement of m.statements) db.exec(statement);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, '2026-12-01T00:00:00.000Z');
    }
    db.prepare("INSERT INTO time_bound_grants (policy, expires, project, branch, path, origin, state, removal_number, removal_url, updated_at) VALUES (?, ?, 'p', 'master', ?, 'p~3', ?, ?, ?, ?)").run('AuthorizationPolicy/builds/a', '2026-12-08T00:00:00.000Z', 'policies/a.yaml', 'removal-opened', 9, 'u', '2026-12-08T00:00:01.000Z');
    db.prepare("INSERT INTO time_bound_grants (policy, expires, project, branch, path, origin, state, updated_at) VALUES (?, ?, 'p', 'master', ?, 'p~4', 'active', ?)").run('AuthorizationPolicy/builds/b', '2026-12-09T00:00:00.000Z', 'policies/b.yaml', '2026-12-01T00:00:00.000Z');
    db.close();
    const store = await openSqliteStore({ dataDir: root });
    expect(await store.listGrants()).toEqual([
      { policy: 'AuthorizationPolicy/builds/a', expires: '2026-12-08T00:00:00.000Z', project: 'p', branch: 'master', path: 'policies/a.yaml', origin: 'p~3', removal: { number: 9, url: 'u' }, state: 'removal-opened' },
      { policy: 'AuthorizationPolicy/builds/b', expires: '2026-12-09T00:00:00.000Z', project: 'p', branch: 'master', path: 'policies/b.yaml', origin: 'p~4', state: 'active' },
    ]);
    expect(await store.markGrant('AuthorizationPolicy/builds/b', '2026-12-09T00:00:00.000Z', { refused: 'it would grant access' })).toBe(true);
    expect((await store.listGrants())[1]).toMatchObject({ state: 'removal-refused', detail: 'it would grant access' });
    await store.close();
  });

  it('opens read-only without creating anything, and refuses writes', async () => {
    const missing = join(root, 'nothing-here');
    const error = await failure(openSqliteStore({ dataDir: missing, readOnly: true }));
    expect(error.code).toBe('input-unreadable');
    expect(error.message).toContain(join(missing, STORE_FILE));
    expect(readdirSync(root)).toEqual([]);

    const writer = await openSqliteStore({ dataDir: root });
    await writer.appendAudit(input(1));
    const reader = await openSqliteStore({ dataDir: root, readOnly: true });
    // A reader sees what the writer commits while both are open (WAL).
    await writer.appendAudit(input(2));
    expect(await reader.verifyAudit()).toMatchObject({ ok: true, entries: 2 });
    expect((await failure(reader.appendAudit(input(3)))).code).toBe('store-read-only');
    expect((await failure(reader.createConversation('user:alice'))).code).toBe('store-read-only');
    await reader.close();
    await writer.close();
  });

  it('says a file is not a gic store instead of failing later', async () => {
    writeFileSync(join(root, STORE_FILE), 'this is not an SQLite database, it only has its name\n'.repeat(20));
    const notDb = await failure(openSqliteStore({ dataDir: root, readOnly: true }));
    expect(notDb.code).toBe('input-unreadable');
    expect(notDb.message).toContain('not a gic store');
    rmSync(join(root, STORE_FILE));
    const other = new DatabaseSync(join(root, STORE_FILE));
    other.exec('CREATE TABLE t (x TEXT)');
    other.close();
    const foreign = await failure(openSqliteStore({ dataDir: root, readOnly: true }));
    expect(foreign.code).toBe('input-unreadable');
    expect(foreign.message).toContain('no schema_migrations table');
  });

  it('refuses a store written by a newer gic (read-only and writable)', async () => {
    await (await openSqliteStore({ dataDir: root })).close();
    const db = new DatabaseSync(join(root, STORE_FILE));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_SCHEMA_VERSION + 1, 'from the future', '2030-01-01T00:00:00.000Z');
    db.close();
    for (const readOnly of [true, false]) {
      const error = await failure(openSqliteStore({ dataDir: root, readOnly }));
      expect(error.code).toBe('store-incompatible');
      expect(error.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
    }
  });

  it('waits for another process holding the write lock, then appends', async () => {
    const store = await openSqliteStore({ dataDir: root, busyTimeoutMs: 10, synchronous: 'normal' });
    const other = new DatabaseSync(join(root, STORE_FILE));
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    setTimeout(() => other.exec('COMMIT'), 300);
    const entry = await store.appendAudit(input(1));
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(entry.seq).toBe(1);
    other.close();
    await store.close();
  });

  it('gives up with a retryable store-busy when the lock is never released', async () => {
    const store = await openSqliteStore({ dataDir: root, busyTimeoutMs: 10, retryForMs: 200 });
    const other = new DatabaseSync(join(root, STORE_FILE));
    other.exec('BEGIN IMMEDIATE');
    const error = await failure(store.appendAudit(input(1)));
    expect([error.code, error.retryable]).toEqual(['store-busy', true]);
    other.exec('ROLLBACK');
    other.close();
    expect((await store.appendAudit(input(1))).seq).toBe(1);
    await store.close();
  });

  it('verify reports a row with a fractional seq (SQLite keeps it as REAL) as inserted', async () => {
    const store = await openSqliteStore({ dataDir: root, synchronous: 'normal' });
    const entries = [];
    for (let i = 1; i <= 6; i++) entries.push(await store.appendAudit(input(i)));
    const db = new DatabaseSync(join(root, STORE_FILE));
    db.prepare(toSqliteParameters(QUERIES.insertAudit)).run(...auditRowValues({ ...entries[2]!, seq: 3.5 }));
    db.close();
    expect((await store.verifyAudit()).firstBad).toMatchObject({ seq: 4, kind: 'inserted' });
    await store.close();
  });
});
