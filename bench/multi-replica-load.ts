// The multi-replica load test's figures (test/support/multi-replica-load.ts): three `gic serve`
// processes on one PostgreSQL (test/peers/postgres) behind a round-robin proxy, C concurrent MCP
// `policy_check_access` calls, optionally one replica killed part-way. Prints ONE JSON document:
// calls per second, latency p50/p95/p99, peak RSS and CPU seconds per replica, audit entries and the
// chain verdict. These figures size the production overlay's requests (deploy/overlays/production).
// Usage: npx tsx bench/multi-replica-load.ts [--calls 500] [--replicas 3] [--kill-after 0.3]
import { parseArgs } from 'node:util';

import { createTestDatabase } from '../test/peers/postgres/postgres-databases.js';
import { startPostgres } from '../test/peers/postgres/start-postgres.js';
import { runMultiReplicaLoad } from '../test/support/multi-replica-load.js';

const { values } = parseArgs({ options: { calls: { type: 'string' }, replicas: { type: 'string' }, 'kill-after': { type: 'string' } } });
const calls = Number(values.calls ?? 500);
const replicas = Number(values.replicas ?? 3);
const killAfter = values['kill-after'] === undefined ? undefined : Number(values['kill-after']);

const peer = await startPostgres();
try {
  const db = await createTestDatabase(peer.info, 'gic_load');
  const result = await runMultiReplicaLoad({ databaseUrl: db.url, calls, replicas, ...(killAfter === undefined ? {} : { killAfter }) });
  const ok = result.calls.filter((c) => c.ok).map((c) => c.ms).sort((a, b) => a - b);
  const q = (p: number): number => Math.round(ok[Math.min(ok.length - 1, Math.floor(p * ok.length))] ?? Number.NaN);
  const tool = result.audit.filter((e) => e.action === 'mcp:policy_check_access');
  process.stdout.write(
    `${JSON.stringify(
      {
        postgres: peer.info.version,
        replicas,
        calls,
        answered: ok.length,
        failed: calls - ok.length,
        wallMs: Math.round(result.wallMs),
        callsPerSecond: Math.round((ok.length / result.wallMs) * 1000),
        latencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99) },
        served: result.served,
        killed: result.killed ?? null,
        peakRssMB: result.peakRssMB,
        cpuSeconds: result.cpuSeconds,
        auditEntries: result.audit.length,
        toolEntries: tool.length,
        duplicateInputs: tool.length - new Set(tool.map((e) => e.inputsHash)).size,
        chain: result.verify,
      },
      null,
      2,
    )}\n`,
  );
  await db.drop();
} finally {
  await peer.stop();
}
