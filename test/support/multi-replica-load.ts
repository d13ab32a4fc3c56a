// The multi-replica load run shared by test/integration/multi-replica-load.test.ts (which asserts on it)
// and bench/multi-replica-load.ts (which prints its figures): N `gic serve` processes on one PostgreSQL
// database behind the round-robin proxy, C concurrent MCP `tools/call`s (each with its own arguments, so
// each audited call has its own inputs hash), one replica killed with SIGKILL once a share of the calls
// was answered. Afterwards the audit log is read back from PostgreSQL. The calls go over plain JSON-RPC
// on the stateless Streamable HTTP endpoint, as any MCP client's POSTs do.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openPostgresStore } from '../../src/store/postgres-store.js';
import type { AuditEntry, AuditVerifyResult } from '../../src/store/store.js';
import { REPO_ROOT } from '../cli/run-gic.js';
import { startRoundRobinProxy } from './round-robin-proxy.js';

export interface LoadOptions {
  /** postgres:// URL of an empty database. */
  readonly databaseUrl: string;
  readonly replicas?: number;
  readonly calls?: number;
  /** Kill one replica after this share of the calls was answered (undefined: kill none). */
  readonly killAfter?: number;
  readonly tool?: string;
}

export interface CallResult {
  readonly index: number;
  readonly ok: boolean;
  readonly status: number;
  readonly ms: number;
  readonly error?: string;
}

export interface LoadResult {
  readonly calls: readonly CallResult[];
  readonly wallMs: number;
  readonly served: Readonly<Record<string, number>>;
  readonly proxyFailures: number;
  readonly killed?: { readonly url: string; readonly afterCalls: number };
  readonly audit: readonly AuditEntry[];
  readonly verify: AuditVerifyResult;
  /** Peak RSS (MB) of each replica, from /proc, sampled every 100 ms. */
  readonly peakRssMB: readonly number[];
  /** CPU seconds each surviving replica used during the run (from /proc). */
  readonly cpuSeconds: readonly number[];
}

export interface Replica {
  readonly child: ChildProcess;
  readonly url: string;
}

const BIN = join(REPO_ROOT, 'bin', 'gic.js');

/** One `gic serve` on the demo mesh and the PostgreSQL store; `env` adds settings (Gerrit, the review bot). */
export async function startReplica(databaseUrl: string, dataDir: string, name: string, env: Readonly<Record<string, string>> = {}): Promise<Replica> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--mesh', join(REPO_ROOT, 'examples', 'demo-mesh')], {
    cwd: REPO_ROOT,
    env: { ...process.env, GIC_DATABASE_URL: databaseUrl, GIC_DATA_DIR: join(dataDir, name), GIC_LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`replica ${name} did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /listening on (http:\/\/[^\s(]+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica ${name} exited (${String(code)}) before it listened: ${stderr}`));
    });
  });
  return { child, url };
}

function procStat(pid: number): { rssMB: number; cpuSeconds: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]);
    return { rssMB: rss, cpuSeconds: ticks / 100 };
  } catch {
    return undefined;
  }
}

/** One MCP tools/call over JSON-RPC; ok when the answer is a result that is not an error. */
async function callTool(url: string, tool: string, args: unknown, id: number): Promise<{ status: number; ok: boolean; error?: string }> {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: tool, arguments: args } }),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, ok: false, error: text.slice(0, 300) };
  const json = text.trimStart().startsWith('{') ? text : (text.split('\n').find((l) => l.startsWith('data: '))?.slice(6) ?? '{}');
  const message = JSON.parse(json) as { result?: { isError?: boolean; content?: { text?: string }[] }; error?: { message?: string } };
  if (message.error !== undefined) return { status: 200, ok: false, error: message.error.message ?? 'error' };
  if (message.result?.isError === true) return { status: 200, ok: false, error: message.result.content?.[0]?.text ?? 'isError' };
  return { status: 200, ok: message.result !== undefined };
}

/** Arguments of call `i`: a distinct request path each, so every call has its own inputs hash. */
export function checkAccessArguments(i: number): unknown {
  return { request: { to: { namespace: 'builds', workload: 'build-trigger', port: 8080 }, from: { namespace: 'ci', workload: 'build-runner' }, method: 'POST', path: `/api/builds/load-${i}` }, trace: false };
}

export async function runMultiReplicaLoad(options: LoadOptions): Promise<LoadResult> {
  const replicasWanted = options.replicas ?? 3;
  const total = options.calls ?? 500;
  const tool = options.tool ?? 'policy_check_access';
  const dataDir = mkdtempSync(join(tmpdir(), 'gic-load-'));
  const replicas: Replica[] = [];
  try {
    // One after the other: the first applies the migrations, the others find them applied.
    for (let i = 0; i < replicasWanted; i++) replicas.push(await startReplica(options.databaseUrl, dataDir, `r${i + 1}`));
    const proxy = await startRoundRobinProxy(replicas.map((r) => r.url));
    const peaks = replicas.map(() => 0);
    const cpuStart = replicas.map((r) => procStat(r.child.pid!)?.cpuSeconds ?? 0);
    const cpuEnd = [...cpuStart];
    const sampler = setInterval(() => {
      replicas.forEach((r, i) => {
        const s = procStat(r.child.pid!);
        if (s === undefined) return;
        peaks[i] = Math.max(peaks[i]!, s.rssMB);
        cpuEnd[i] = s.cpuSeconds;
      });
    }, 100);
    let answered = 0;
    let killed: LoadResult['killed'];
    const victim = replicas[1];
    const started = performance.now();
    const calls = await Promise.all(
      Array.from({ length: total }, async (_, index): Promise<CallResult> => {
        const t = performance.now();
        try {
          const r = await callTool(proxy.url, tool, checkAccessArguments(index), index + 1);
          return { index, ok: r.ok, status: r.status, ms: performance.now() - t, ...(r.error === undefined ? {} : { error: r.error }) };
        } catch (error) {
          return { index, ok: false, status: 0, ms: performance.now() - t, error: error instanceof Error ? error.message : String(error) };
        } finally {
          answered++;
          if (options.killAfter !== undefined && killed === undefined && victim !== undefined && answered >= Math.floor(total * options.killAfter)) {
            victim.child.kill('SIGKILL');
            killed = { url: victim.url, afterCalls: answered };
          }
        }
      }),
    );
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    const stats = proxy.stats();
    await proxy.close();
    const store = await openPostgresStore({ url: options.databaseUrl, readOnly: true });
    try {
      const audit = await store.listAudit();
      const verify = await store.verifyAudit();
      return {
        calls,
        wallMs,
        served: stats.served,
        proxyFailures: stats.failed,
        ...(killed === undefined ? {} : { killed }),
        audit,
        verify,
        peakRssMB: peaks.map((p) => Math.round(p)),
        cpuSeconds: cpuEnd.map((c, i) => Math.round((c - cpuStart[i]!) * 100) / 100),
      };
    } finally {
      await store.close();
    }
  } finally {
    for (const r of replicas) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
    await Promise.all(replicas.map((r) => (r.child.exitCode !== null || r.child.signalCode !== null ? undefined : new Promise((resolve) => r.child.once('exit', resolve)))));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
