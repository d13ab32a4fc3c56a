// What only the PostgreSQL store does (the shared behaviour is the conformance suite), against a real
// PostgreSQL 15 (test/peers/postgres): three replica processes appending to one audit log at once never
// fork the chain or lose an entry; replicas that start together apply each migration once; read-only
// opening refuses writes and names a database that is not a gic store; a schema from a newer gic, a
// wrong password and an unreachable server are clear, typed failures; and the store survives a server
// restart (the pool reconnects); and workers of three replicas claim every queued review exactly once.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { AppError } from '../../src/errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/store/migrations.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { auditInput } from '../conformance/store-conformance.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createTestDatabase } from '../peers/postgres/postgres-databases.js';
import { startPostgres } from '../peers/postgres/start-postgres.js';
import { runAppendWorkers } from '../support/run-append-workers.js';
import { jsonOf, runGic } from '../cli/run-gic.js';

const postgres = await startPeerOrSkip('postgres', () => startPostgres());
afterAll(async () => postgres?.stop());

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (AppError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe.skipIf(!postgres)('PostgresStore', () => {
  const peer = postgres!.info;

  it('three replica processes appending at once: one chain, no gap, no fork, nothing lost', { timeout: 240_000 }, async () => {
    const db = await createTestDatabase(peer);
    const perWriter = 600;
    const { reports } = await runAppendWorkers(db.url, [{ name: 'r1' }, { name: 'r2', inFlight: 16 }, { name: 'r3', inFlight: 4 }], perWriter, 'full', { interleave: true });
    const store = await openPostgresStore({ url: db.url, readOnly: true });
    try {
      const entries = await store.listAudit();
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 3 * perWriter }, (_, i) => i + 1));
      for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
      for (const report of reports) {
        report.seqs.forEach((seq, i) => expect([entries[seq - 1]!.actor, entries[seq - 1]!.evidence]).toEqual([`proc:${report.name}`, { writer: report.name, i }]));
      }
      // The replicas really interleaved.
      const spans = reports.map((r) => [Math.min(...r.seqs), Math.max(...r.seqs)] as const);
      expect(spans.every(([first, last]) => last - first + 1 > perWriter)).toBe(true);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 3 * perWriter, head: { seq: 3 * perWriter } });
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('replicas that start together apply each migration once', async () => {
    const db = await createTestDatabase(peer);
    const stores = await Promise.all(Array.from({ length: 5 }, () => openPostgresStore({ url: db.url, poolSize: 1 })));
    await Promise.all(stores.map((s, i) => s.appendAudit(auditInput(i))));
    await Promise.all(stores.map((s) => s.close()));
    expect(await db.sql('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    await db.drop();
  });

  it('read-only: refuses writes, and says when a database is not a gic store', async () => {
    const db = await createTestDatabase(peer);
    const empty = await failure(openPostgresStore({ url: db.url, readOnly: true }));
    expect([empty.code, empty.message]).toEqual(['input-unreadable', expect.stringContaining('not a gic store')]);
    expect(empty.message).not.toContain(new URL(peer.url).password);
    // Opening read-only created nothing.
    expect(await db.sql("SELECT to_regclass('schema_migrations') AS t")).toEqual([{ t: null }]);
    const writer = await openPostgresStore({ url: db.url });
    await writer.appendAudit(auditInput(1));
    const reader = await openPostgresStore({ url: db.url, readOnly: true });
    await writer.appendAudit(auditInput(2));
    expect(await reader.verifyAudit()).toMatchObject({ ok: true, entries: 2 });
    expect((await failure(reader.appendAudit(auditInput(3)))).code).toBe('store-read-only');
    expect((await failure(reader.createConversation('user:alice'))).code).toBe('store-read-only');
    await Promise.all([reader.close(), writer.close()]);
    await db.drop();
  });

  it('refuses a schema written by a newer gic', async () => {
    const db = await createTestDatabase(peer);
    await (await openPostgresStore({ url: db.url })).close();
    await db.sql('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [LATEST_SCHEMA_VERSION + 1, 'from the future', '2030-01-01T00:00:00.000Z']);
    for (const readOnly of [true, false]) {
      const error = await failure(openPostgresStore({ url: db.url, readOnly }));
      expect([error.code, error.message]).toEqual(['store-incompatible', expect.stringContaining(`schema version ${LATEST_SCHEMA_VERSION + 1}`)]);
    }
    await db.drop();
  });

  it('a wrong password and an unreachable server are typed failures that name the database, never the password', async () => {
    const wrong = new URL(peer.url);
    wrong.password = 'not-the-password';
    const denied = await failure(openPostgresStore({ url: wrong.toString(), retryForMs: 0 }));
    expect(denied.code).toBe('store-unauthorized');
    expect(denied.message).toContain(`127.0.0.1:${peer.port}`);
    expect(denied.message).not.toContain('not-the-password');
    const closedPort = new URL(peer.url);
    closedPort.port = '1';
    const unreachable = await failure(openPostgresStore({ url: closedPort.toString(), retryForMs: 300 }));
    expect([unreachable.code, unreachable.retryable]).toEqual(['store-unavailable', true]);
    expect(unreachable.message).toContain('127.0.0.1:1');
  });

  it('gic audit verify and export read the PostgreSQL store named by GIC_DATABASE_URL; a broken chain exits 3', async () => {
    const db = await createTestDatabase(peer);
    const store = await openPostgresStore({ url: db.url });
    for (let i = 1; i <= 5; i++) await store.appendAudit(auditInput(i));
    await store.close();
    const env = { GIC_DATABASE_URL: db.url, GIC_DATA_DIR: '/nonexistent/gic-data' };
    const verify = await runGic(['audit', 'verify', '-o', 'json'], { env });
    expect(verify.code).toBe(0);
    expect(jsonOf(verify)).toMatchObject({ ok: true, entries: 5, head: { seq: 5 } });
    const exported = await runGic(['audit', 'export', '-o', 'json'], { env });
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('mcp:policy_check_access');
    await db.sql("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 3");
    const broken = await runGic(['audit', 'verify', '-o', 'json'], { env });
    expect(broken.code).toBe(3);
    expect(jsonOf(broken)).toMatchObject({ ok: false, firstBad: { seq: 3, kind: 'edited' } });
    const unreachable = await runGic(['audit', 'verify'], { env: { GIC_DATABASE_URL: 'postgres://gic:secret-pw@127.0.0.1:1/gic' } });
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toContain('127.0.0.1:1');
    expect(unreachable.stderr).not.toContain('secret-pw');
    await db.drop();
  });

  it('gic doctor checks the PostgreSQL store: answers, schema fits; a wrong password fails the check (exit 3)', async () => {
    const db = await createTestDatabase(peer);
    const fresh = await runGic(['doctor', '-o', 'json'], { env: { GIC_DATABASE_URL: db.url } });
    const storeOf = (run: Awaited<ReturnType<typeof runGic>>) => (jsonOf(run) as { checks: { name: string; ok: boolean; detail: string }[] }).checks.find((c) => c.name === 'store');
    expect(storeOf(fresh)).toMatchObject({ ok: true, detail: expect.stringContaining('no gic schema yet') });
    await (await openPostgresStore({ url: db.url })).close();
    expect(storeOf(await runGic(['doctor', '-o', 'json'], { env: { GIC_DATABASE_URL: db.url } }))).toMatchObject({ ok: true, detail: expect.stringContaining(`schema version ${LATEST_SCHEMA_VERSION}`) });
    const wrong = new URL(db.url);
    wrong.password = 'nope-not-it';
    const denied = await runGic(['doctor', '-o', 'json'], { env: { GIC_DATABASE_URL: wrong.toString() } });
    expect(denied.code).toBe(3);
    expect(storeOf(denied)).toMatchObject({ ok: false });
    expect(denied.stdout).not.toContain('nope-not-it');
    await db.drop();
  });

  it('review ledger: 12 workers on 3 replicas claim 300 queued patch sets, each exactly once (SKIP LOCKED)', { timeout: 120_000 }, async () => {
    const db = await createTestDatabase(peer);
    const stores = await Promise.all([0, 1, 2].map(() => openPostgresStore({ url: db.url, poolSize: 4 })));
    for (let i = 0; i < 300; i++) await stores[i % 3]!.enqueueReview({ project: 'mesh-policies', change: 1000 + i, patchset: 1, revision: 'a'.repeat(40), source: 'webhook' });
    // Re-deliveries to other replicas queue nothing.
    expect(await stores[1]!.enqueueReview({ project: 'mesh-policies', change: 1000, patchset: 1, revision: 'a'.repeat(40), source: 'poll' })).toBe(false);
    const claimedBy = new Map<number, string>();
    const doubles: string[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async (_, w) => {
        const store = stores[w % 3]!;
        const worker = `replica-${w % 3}-worker-${w}`;
        for (;;) {
          const entry = await store.claimReview(worker, 60_000);
          if (entry === undefined) return;
          if (claimedBy.has(entry.change)) doubles.push(`${entry.change}: ${claimedBy.get(entry.change)} and ${worker}`);
          claimedBy.set(entry.change, worker);
          expect(await store.finishReview(entry, worker, { state: 'skipped', detail: 'no policy file' })).toBe(true);
        }
      }),
    );
    expect(doubles).toEqual([]);
    expect(claimedBy.size).toBe(300);
    // Work was spread: every replica's workers claimed some.
    for (const r of [0, 1, 2]) expect([...claimedBy.values()].some((w) => w.startsWith(`replica-${r}-`))).toBe(true);
    const rows = await stores[0]!.listReviews();
    expect(rows.every((e) => e.state === 'skipped' && e.attempts === 1)).toBe(true);
    await Promise.all(stores.map((s) => s.close()));
    await db.drop();
  });

  it('keeps working after the server restarts (the pool reconnects, the chain continues)', { timeout: 120_000 }, async () => {
    const db = await createTestDatabase(peer);
    const store = await openPostgresStore({ url: db.url, poolSize: 2 });
    await store.appendAudit(auditInput(1));
    await restart(peer.dataDir);
    const after = await store.appendAudit(auditInput(2));
    expect(after.seq).toBe(2);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 2 });
    await store.close();
    await db.drop();
  });
});

/** pg_ctl restart of the peer's cluster (as the postgres user when this process is root). */
async function restart(dataDir: string): Promise<void> {
  const pgCtl = `${process.env['GIC_PG_BIN'] ?? '/usr/lib/postgresql/15/bin'}/pg_ctl`;
  // -l: the new server must not inherit our pipes (execFile would wait for them forever).
  const args = ['restart', '-D', dataDir, '-m', 'fast', '-w', '-t', '60', '-l', `${dataDir}/../postgres.log`];
  const asRoot = process.getuid?.() === 0;
  await promisify(execFile)(asRoot ? 'runuser' : pgCtl, asRoot ? ['-u', 'postgres', '--', pgCtl, ...args] : args);
}
