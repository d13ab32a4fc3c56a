// The production shape on one machine (issue 17 "Replicas"): three `gic serve` processes on one
// PostgreSQL database behind a round-robin proxy take 500 concurrent MCP calls while one of them is
// killed (SIGKILL) part-way. Nothing is lost or written twice: every call answered with a result has
// exactly one audit entry, no call has two, calls that died with the replica have at most one, the
// survivors served the rest, the chain is one unbroken chain, and `gic audit verify` on the database
// passes. The figures (throughput, latency, RSS, CPU) are printed for the notes; they are asserted
// nowhere (performance lives in bench/multi-replica-load.ts).
import { afterAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from '../cli/run-gic.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { createTestDatabase } from '../peers/postgres/postgres-databases.js';
import { startPostgres } from '../peers/postgres/start-postgres.js';
import { runMultiReplicaLoad } from '../support/multi-replica-load.js';

const postgres = await startPeerOrSkip('postgres', () => startPostgres());
afterAll(async () => postgres?.stop());

describe.skipIf(!postgres)('three replicas on PostgreSQL under load, one killed mid-run', () => {
  it('loses no audited call and writes none twice; the chain verifies', { timeout: 300_000 }, async () => {
    const db = await createTestDatabase(postgres!.info);
    const calls = 500;
    const result = await runMultiReplicaLoad({ databaseUrl: db.url, replicas: 3, calls, killAfter: 0.3 });
    const ok = result.calls.filter((c) => c.ok);
    const latencies = ok.map((c) => c.ms).sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        calls,
        ok: ok.length,
        failed: result.calls.length - ok.length,
        wallMs: Math.round(result.wallMs),
        callsPerSecond: Math.round((ok.length / result.wallMs) * 1000),
        p50Ms: Math.round(latencies[Math.floor(latencies.length * 0.5)] ?? 0),
        p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
        served: result.served,
        killed: result.killed,
        peakRssMB: result.peakRssMB,
        cpuSeconds: result.cpuSeconds,
        auditEntries: result.audit.length,
      }),
    );
    expect(result.killed).toBeDefined();
    // Calls that were not answered died with the killed replica (502 from the proxy or a cut connection).
    for (const failedCall of result.calls.filter((c) => !c.ok)) expect(failedCall.status === 502 || failedCall.status === 0, JSON.stringify(failedCall)).toBe(true);
    expect(ok.length).toBeGreaterThanOrEqual(calls * 0.6);
    const tool = result.audit.filter((e) => e.action === 'mcp:policy_check_access');
    // One entry per distinct call: no inputs hash twice (each call had its own arguments).
    const hashes = tool.map((e) => e.inputsHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    // Every answered call is recorded; an unanswered one at most once.
    expect(tool.length).toBeGreaterThanOrEqual(ok.length);
    expect(tool.length).toBeLessThanOrEqual(calls);
    // One chain across the replicas: seq 1..n without a gap, verified.
    expect(result.audit.map((e) => e.seq)).toEqual(result.audit.map((_, i) => i + 1));
    expect(result.verify).toMatchObject({ ok: true, entries: result.audit.length });
    // All three replicas served calls before the kill; the survivors carried the rest.
    expect(Object.values(result.served).every((n) => n > 0)).toBe(true);
    const verify = await runGic(['audit', 'verify', '-o', 'json'], { env: { GIC_DATABASE_URL: db.url } });
    expect(verify.code).toBe(0);
    expect(jsonOf(verify)).toMatchObject({ ok: true, entries: result.audit.length });
    await db.drop();
  });
});
