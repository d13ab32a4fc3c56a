// Benchmarks of the PostgreSQL store (src/store/postgres-store.ts) on a private PostgreSQL 15 started
// from test/peers/postgres (fsync off: these figures measure gic's side, the locking and round trips,
// not a disk). Prints ONE JSON document on stdout; progress goes to stderr. run-benchmarks.ts folds it
// into `npm run bench` (listed in notRun when PostgreSQL is missing).
//   pg-append-sequential          one process, one append after the other                 >= 200 /s
//   pg-append-grouped             one process, 64 appends in flight (group commit)        >= 2,000 /s
//   pg-append-three-replicas      three processes (replicas), 16 in flight each; chain verified and
//                                 every acknowledged entry checked after                   >= 1,000 /s
//   pg-verify                     verifyAudit over the whole log                           >= 10,000 /s
//   pg-proposal-roundtrip-p99     saveProposal + getProposal, one after the other (p50 in details) < 20 ms
// Each in-process figure carries CPU µs per operation and the process's RSS, the basis of the
// production overlay's resource requests (deploy/overlays/production).
// Usage: npx tsx bench/postgres-store-benchmarks.ts [--scale F]
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';

import { openPostgresStore, type PostgresStore } from '../src/store/postgres-store.js';
import type { AuditEntryInput } from '../src/store/store.js';
import { createTestDatabase } from '../test/peers/postgres/postgres-databases.js';
import { startPostgres } from '../test/peers/postgres/start-postgres.js';
import { runAppendWorkers } from '../test/support/run-append-workers.js';
import { benchRecorder, roundFigure, type Target } from './bench-results.js';

const { values } = parseArgs({ options: { scale: { type: 'string' } } });
const scale = Number(values.scale ?? 1);
const { results, record, progress } = benchRecorder('bench:postgres');
const round = roundFigure;
const count = (n: number): number => Math.max(10, Math.round(n * scale));
const rssMB = (): number => round(process.memoryUsage().rss / 1024 / 1024);

function entry(i: number): AuditEntryInput {
  return {
    actor: `user:u${i % 17}`,
    action: i % 3 === 0 ? 'gic propose' : 'mcp:policy_check_access',
    inputsHash: createHash('sha256').update(`inputs ${i}`).digest('hex'),
    outcome: 'ok',
    detail: `proposal p-${i} verified`,
    models: [{ model: 'qwen2.5-coder-1.5b', endpoint: 'http://model.ai.svc:8000/v1', promptId: 'draft-intent', promptVersion: 2, promptTokens: 1800, completionTokens: 90 }],
    evidence: { proposal: `p-${i}`, verified: true, granted: ['release-managers may now POST /api/builds* on builds/build-trigger'], dryRun: { accepted: true, mode: 'server' } },
    durationMs: 40 + (i % 100),
  };
}

const peer = await startPostgres();
try {
  const appends = async (name: string, n: number, inFlight: number, target: Target): Promise<PostgresStore> => {
    const db = await createTestDatabase(peer.info, 'gic_bench');
    const store = await openPostgresStore({ url: db.url });
    for (let i = 0; i < 20; i++) await store.appendAudit(entry(i));
    progress(`${name}: ${n} appends, ${inFlight} in flight`);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    const loop = async (): Promise<void> => {
      for (let i = next++; i < n; i = next++) await store.appendAudit(entry(i));
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
} finally {
  await peer.stop();
}

process.stdout.write(`${JSON.stringify({ postgres: peer.info.version, results, pass: results.every((r) => r.pass !== false) }, null, 2)}\n`);
