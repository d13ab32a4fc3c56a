// Benchmarks of the PostgreSQL store (src/store/postgres-store.ts) on a private PostgreSQL 15 started
// from test/peers/postgres (fsync off: these figures measure gic's side, the locking and round trips,
// not a disk). Prints ONE JSON document on stdout; progress goes to stderr. run-benchmarks.ts folds it
// into `npm run bench` (listed in notRun when PostgreSQL is missing).
//   pg-append-sequential          one process, one append after the other                 >= 200 /s
//   pg-append-grouped             one process, 64 appends in flight (group commit)        >= 2,000 /s
//   pg-append-three-replicas      three processes (replicas), 16 in flight each; chain verified and
//                                 every acknowledged entry checked after                   >= 1,000 /s
//   pg-verify                     verifyAudit over the whole log                           >= 10,000 /s
//   pg-verify-large               verifyAudit (a fresh read-only store, as `gic audit verify`) over
//                                 200,000 entries written straight into the tables        >= 10,000 /s
//   pg-verify-large-heap-growth   the live heap while that verify runs again (a full GC every 50 ms),
//                                 above the heap before it: the cursor keeps it bounded      < 64 MB
//   pg-export-large               `gic audit export -o jsonl` (GIC_DATABASE_URL; verify, then the entries
//                                 streamed through a cursor to stdout on /dev/null) of those 200,000
//                                 entries, entries per second from start to end             >= 10,000 /s
//   pg-export-large-heap-growth   the live heap while that export runs again (a full GC every 50 ms)
//                                 above the heap before it (details: listAudit + one JSON document,
//                                 the old way)                                               < 64 MB
//   pg-proposal-roundtrip-p99     saveProposal + getProposal, one after the other (p50 in details) < 20 ms
// Each in-process figure carries CPU µs per operation and the process's RSS, the basis of the
// production overlay's resource requests (deploy/overlays/production).
// Usage: npx tsx bench/postgres-store-benchmarks.ts [--scale F]
import { parseArgs } from 'node:util';

import pg from 'pg';

import { sealAuditEntry } from '../src/store/audit-chain.js';
import { checkAuditEntryInput } from '../src/store/audit-entry-input-schema.js';
import { AUDIT_COLUMNS, auditRowValues } from '../src/store/audit-row.js';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres-store.js';
import { QUERIES } from '../src/store/store-queries.js';
import type { AuditEntry } from '../src/store/store.js';
import { createTestDatabase } from '../test/peers/postgres/postgres-databases.js';
import { startPostgres } from '../test/peers/postgres/start-postgres.js';
import { runAppendWorkers } from '../test/support/run-append-workers.js';
import { measureExport } from './audit-export-measure.js';
import { watchHeap } from './watch-heap.js';
import { sampleAuditEntry } from './sample-audit-entry.js';
import { benchRecorder, roundFigure, type Target } from './bench-results.js';

const { values } = parseArgs({ options: { scale: { type: 'string' } } });
const scale = Number(values.scale ?? 1);
const { results, record, progress } = benchRecorder('bench:postgres');
const round = roundFigure;
const count = (n: number): number => Math.max(10, Math.round(n * scale));
const rssMB = (): number => round(process.memoryUsage().rss / 1024 / 1024);

/**
 * Writes `n` sealed entries straight into the tables of a migrated store (500-row INSERTs on one
 * connection, no entry kept beyond its batch) and moves the chain head: a big, intact log, fast.
 */
async function writeLog(url: string, n: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const width = AUDIT_COLUMNS.length;
    const now = new Date('2026-12-07T10:00:00.000Z');
    let tail: AuditEntry | undefined;
    for (let from = 0; from < n; from += 500) {
      const batch: AuditEntry[] = [];
      for (let i = from; i < Math.min(n, from + 500); i++) batch.push((tail = sealAuditEntry(tail, checkAuditEntryInput(sampleAuditEntry(i)), now)));
      const values = batch.map((_, row) => `(${AUDIT_COLUMNS.map((_c, col) => `$${row * width + col + 1}`).join(', ')})`).join(', ');
      await client.query(`INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES ${values}`, batch.flatMap(auditRowValues));
    }
    if (tail !== undefined) await client.query(QUERIES.updateAuditHead, [tail.seq, tail.hash]);
  } finally {
    await client.end();
  }
}

const peer = await startPostgres();
try {
  const appends = async (name: string, n: number, inFlight: number, target: Target): Promise<PostgresStore> => {
    const db = await createTestDatabase(peer.info, 'gic_bench');
    const store = await openPostgresStore({ url: db.url });
    for (let i = 0; i < 20; i++) await store.appendAudit(sampleAuditEntry(i));
    progress(`${name}: ${n} appends, ${inFlight} in flight`);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    const loop = async (): Promise<void> => {
      for (let i = next++; i < n; i = next++) await store.appendAudit(sampleAuditEntry(i));
    };
    await Promise.all(Array.from({ length: inFlight }, loop));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    record(name, n / seconds, 'appends/s', target, { appends: n, inFlight, seconds: round(seconds), cpuMicrosPerAppend: round((used.user + used.system) / n), rssMB: rssMB() });
    return store;
  };

  await (await appends('pg-append-sequential', count(2_000), 1, { min: 200 })).close();
  const grouped = await appends('pg-append-grouped', count(20_000), 64, { min: 2_000 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const verified = await grouped.verifyAudit();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  record('pg-verify', verified.ok ? verified.entries / seconds : Number.NaN, 'entries/s', { min: 10_000 }, { entries: verified.entries, seconds: round(seconds), cpuMicrosPerEntry: round((used.user + used.system) / verified.entries), rssMB: rssMB() });

  // Proposal round trips (what a propose + submit does to the store), one after the other.
  const latencies: number[] = [];
  for (let i = 0; i < count(500); i++) {
    const t = performance.now();
    await grouped.saveProposal({ id: `p-${i}`, createdAt: '2026-12-07T10:00:00.000Z', createdBy: 'user:alice', intent: { action: 'allow', i }, yaml: 'kind: AuthorizationPolicy\n', verified: true, evidence: { validation: { errors: 0 } } });
    await grouped.getProposal(`p-${i}`);
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  record('pg-proposal-roundtrip-p99', q(0.99), 'ms', { max: 20 }, { p50: round(q(0.5)), roundTrips: latencies.length });
  await grouped.close();

  const db = await createTestDatabase(peer.info, 'gic_bench');
  const n = count(3_000);
  progress(`pg-append-three-replicas: 3 processes x ${n} appends, 16 in flight each`);
  const { reports, wallMs } = await runAppendWorkers(db.url, [{ name: 'r1', inFlight: 16 }, { name: 'r2', inFlight: 16 }, { name: 'r3', inFlight: 16 }], n);
  const reader = await openPostgresStore({ url: db.url, readOnly: true });
  const check = await reader.verifyAudit();
  const entries = await reader.listAudit();
  await reader.close();
  const acknowledged = reports.every((r) => r.seqs.length === n && r.seqs.every((seq, i) => entries[seq - 1]?.actor === `proc:${r.name}` && (entries[seq - 1]?.evidence as { i?: number } | undefined)?.i === i));
  const intact = check.ok && entries.length === 3 * n && acknowledged;
  record('pg-append-three-replicas', intact ? (3 * n) / (wallMs / 1000) : Number.NaN, 'appends/s', { min: 1_000 }, { processes: 3, appendsPerProcess: n, seconds: round(wallMs / 1000), perProcessPerSecond: reports.map((r) => round(n / (r.elapsedMs / 1000))), verified: check.ok });

  // Verify on a big log: throughput, and the heap it takes (bounded: one FETCH page at a time).
  const big = await createTestDatabase(peer.info, 'gic_bench');
  await (await openPostgresStore({ url: big.url })).close();
  const bigN = count(200_000);
  progress(`pg-verify-large: writing ${bigN} entries`);
  await writeLog(big.url, bigN);
  const verifier = await openPostgresStore({ url: big.url, readOnly: true, poolSize: 1 });
  progress(`pg-verify-large: verifying ${bigN} entries`);
  const timed = await watchHeap(() => verifier.verifyAudit(), false);
  progress(`pg-verify-large: verifying again, a full GC every 50 ms (live heap)`);
  const live = await watchHeap(() => verifier.verifyAudit(), true);
  await verifier.close();
  const memory = {
    liveHeapGrowthMB: live.heapGrowthMB,
    heapBeforeMB: timed.heapBeforeMB,
    heapPeakWithGarbageMB: timed.heapPeakMB,
    rssBeforeMB: timed.rssBeforeMB,
    rssGrowthMB: Math.max(timed.rssGrowthMB, live.rssGrowthMB),
    fetchSize: 1_000,
  };
  const bigIntact = timed.result.ok && timed.result.entries === bigN && live.result.ok;
  record('pg-verify-large', bigIntact ? bigN / timed.seconds : Number.NaN, 'entries/s', { min: 10_000 }, { entries: timed.result.entries, seconds: round(timed.seconds), cpuMicrosPerEntry: round(timed.cpuMicros / bigN), ...memory });
  record('pg-verify-large-heap-growth', bigIntact ? live.heapGrowthMB : Number.NaN, 'MB', { max: 64 }, { entries: live.result.entries, ...memory });

  // Export of the same log, as `gic audit export` runs it: throughput and the heap it takes.
  progress(`pg-export-large: gic audit export -o jsonl of ${bigN} entries (timed, then the live heap), -o json, then listAudit for comparison`);
  const exported = await measureExport(bigN, [], { GIC_DATABASE_URL: big.url }, () => openPostgresStore({ url: big.url, readOnly: true, poolSize: 1 }));
  record('pg-export-large', exported.ok ? exported.entriesPerSecond : Number.NaN, 'entries/s', { min: 10_000 }, exported.details);
  record('pg-export-large-heap-growth', exported.ok ? exported.liveHeapGrowthMB : Number.NaN, 'MB', { max: 64 }, exported.details);
  await big.drop();
} finally {
  await peer.stop();
}

process.stdout.write(`${JSON.stringify({ postgres: peer.info.version, results, pass: results.every((r) => r.pass !== false) }, null, 2)}\n`);
