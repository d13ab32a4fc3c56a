// Benchmarks of the SQLite store's hash-chained audit log (src/store/sqlite-store.ts), printing ONE
// JSON document on stdout; progress goes to stderr. run-benchmarks.ts runs this file as a child process
// and folds its results into `npm run bench`. Every append validates the entry, seals it (canonical
// JSON + SHA-256 chained to the previous hash) and commits; `synchronous=FULL` (the default) syncs the
// WAL to disk on every commit, so one-at-a-time appends are bound by the disk's sync latency.
//   store-append-sequential          one process, one append after the other, FULL      >= 100 /s
//   store-append-sequential-normal   the same with synchronous=NORMAL (no sync per commit; no target)
//   store-append-grouped             one process, 64 appends in flight (group commit), FULL  >= 2,000 /s
//   store-append-two-processes       two processes on one data dir, one after the other each, FULL (no target)
//   store-append-two-processes-grouped  two processes, 16 in flight each, FULL           >= 1,000 /s
//   store-verify                     verifyAudit over the whole log (entries per second)  >= 10,000 /s
//   store-export-large               `gic audit export -o jsonl` (verify, then the entries streamed to
//                                    stdout on /dev/null) of 200,000 entries written straight into the
//                                    tables, entries per second from start to end       >= 10,000 /s
//   store-export-large-heap-growth   the live heap while that export runs again (a full GC every 50 ms)
//                                    above the heap before it: streamed, it stays bounded      < 64 MB
//                                    (details: the live heap of listAudit + one JSON document, the old way)
// Each in-process figure carries CPU µs per append. After the two-process runs, the chain is verified
// and every acknowledged entry checked; a run that lost or forked anything records NaN (never passes).
// Usage: npx tsx bench/store-benchmarks.ts [--scale F]   (F multiplies the entry counts; default 1)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';

import { sealAuditEntry } from '../src/store/audit-chain.js';
import { checkAuditEntryInput } from '../src/store/audit-entry-input-schema.js';
import { auditRowValues } from '../src/store/audit-row.js';
import { toSqliteParameters } from '../src/store/sqlite-sql.js';
import { openSqliteStore, STORE_FILE, type SqliteStore } from '../src/store/sqlite-store.js';
import { QUERIES } from '../src/store/store-queries.js';
import type { AuditEntry } from '../src/store/store.js';
import { runAppendWorkers, type WriterSpec } from '../test/support/run-append-workers.js';
import { measureExport } from './audit-export-measure.js';
import { sampleAuditEntry } from './sample-audit-entry.js';
import { benchRecorder, roundFigure, type Target } from './bench-results.js';

const { values } = parseArgs({ options: { scale: { type: 'string' } } });
const scale = Number(values.scale ?? 1);
const { results, record, progress } = benchRecorder('bench:store');
const round = roundFigure;
const count = (n: number): number => Math.max(10, Math.round(n * scale));

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'gic-bench-store-'));
  dirs.push(dir);
  return dir;
};

async function inProcess(name: string, n: number, inFlight: number, synchronous: 'full' | 'normal', target: Target | null): Promise<SqliteStore> {
  const store = await openSqliteStore({ dataDir: freshDir(), synchronous });
  for (let i = 0; i < 20; i++) await store.appendAudit(sampleAuditEntry(i)); // warm-up
  progress(`${name}: ${n} appends, ${inFlight} in flight, synchronous=${synchronous}`);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const loop = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) await store.appendAudit(sampleAuditEntry(i));
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  record(name, n / seconds, 'appends/s', target, { appends: n, inFlight, synchronous, seconds: round(seconds), cpuMicrosPerAppend: round((used.user + used.system) / n) });
  return store;
}

/**
 * A migrated store in a fresh data directory holding `n` sealed entries written straight into the
 * tables (one transaction, no entry kept beyond its row) with the chain head moved: a big, intact log, fast.
 */
async function writeLog(n: number): Promise<string> {
  const dataDir = freshDir();
  await (await openSqliteStore({ dataDir, synchronous: 'normal' })).close();
  const db = new DatabaseSync(join(dataDir, STORE_FILE));
  try {
    const insert = db.prepare(toSqliteParameters(QUERIES.insertAudit));
    const now = new Date('2026-12-07T10:00:00.000Z');
    let tail: AuditEntry | undefined;
    db.exec('BEGIN');
    for (let i = 0; i < n; i++) insert.run(...auditRowValues((tail = sealAuditEntry(tail, checkAuditEntryInput(sampleAuditEntry(i)), now))));
    if (tail !== undefined) db.prepare(toSqliteParameters(QUERIES.updateAuditHead)).run(tail.seq, tail.hash);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  return dataDir;
}

async function twoProcesses(name: string, n: number, writers: readonly WriterSpec[], target: Target | null): Promise<void> {
  const dataDir = freshDir();
  progress(`${name}: ${writers.length} processes x ${n} appends (${writers.map((w) => w.inFlight ?? 1).join(', ')} in flight)`);
  const { reports, wallMs } = await runAppendWorkers(dataDir, writers, n, 'full');
  const store = await openSqliteStore({ dataDir, readOnly: true });
  const verify = await store.verifyAudit();
  const entries = await store.listAudit();
  await store.close();
  const total = writers.length * n;
  const acknowledged = reports.every((r) => r.seqs.length === n && r.seqs.every((seq, i) => entries[seq - 1]?.actor === `proc:${r.name}` && (entries[seq - 1]?.evidence as { i?: number } | undefined)?.i === i));
  const intact = verify.ok && verify.entries === total && entries.length === total && acknowledged;
  if (!intact) progress(`${name}: LOST OR FORKED: verify ${JSON.stringify(verify)}, ${entries.length} entries, acknowledged ${acknowledged}`);
  record(name, intact ? total / (wallMs / 1000) : Number.NaN, 'appends/s', target, {
    processes: writers.length,
    appendsPerProcess: n,
    seconds: round(wallMs / 1000),
    perProcessPerSecond: reports.map((r) => round(n / (r.elapsedMs / 1000))),
    verified: verify.ok,
  });
}

try {
  (await inProcess('store-append-sequential', count(1_000), 1, 'full', { min: 100 })).closeNow();
  (await inProcess('store-append-sequential-normal', count(5_000), 1, 'normal', null)).closeNow();
  const grouped = await inProcess('store-append-grouped', count(20_000), 64, 'full', { min: 2_000 });

  const verifyCpu = process.cpuUsage();
  const verifyStart = performance.now();
  const verified = await grouped.verifyAudit();
  const verifySeconds = (performance.now() - verifyStart) / 1000;
  const verifyUsed = process.cpuUsage(verifyCpu);
  record('store-verify', verified.ok ? verified.entries / verifySeconds : Number.NaN, 'entries/s', { min: 10_000 }, {
    entries: verified.entries,
    seconds: round(verifySeconds),
    cpuMicrosPerEntry: round((verifyUsed.user + verifyUsed.system) / verified.entries),
  });
  await grouped.close();

  // Export of a big log: throughput, and the heap it takes (bounded: streamed a page at a time).
  const bigN = count(200_000);
  progress(`store-export-large: writing ${bigN} entries`);
  const bigDir = await writeLog(bigN);
  progress(`store-export-large: gic audit export -o jsonl of ${bigN} entries (timed, then the live heap), -o json, then listAudit for comparison`);
  const exported = await measureExport(bigN, ['--data-dir', bigDir], { GIC_DATABASE_URL: undefined, GIC_DATA_DIR: undefined }, () => openSqliteStore({ dataDir: bigDir, readOnly: true }));
  record('store-export-large', exported.ok ? exported.entriesPerSecond : Number.NaN, 'entries/s', { min: 10_000 }, exported.details);
  record('store-export-large-heap-growth', exported.ok ? exported.liveHeapGrowthMB : Number.NaN, 'MB', { max: 64 }, exported.details);

  await twoProcesses('store-append-two-processes', count(500), [{ name: 'a' }, { name: 'b' }], null);
  await twoProcesses('store-append-two-processes-grouped', count(5_000), [{ name: 'a', inFlight: 16 }, { name: 'b', inFlight: 16 }], { min: 1_000 });
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(`${JSON.stringify({ results, pass: results.every((r) => r.pass !== false) }, null, 2)}\n`);
