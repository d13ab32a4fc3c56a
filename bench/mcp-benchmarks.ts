// The MCP server under load (issue 13): `gic serve` on the bench mesh (generate-mesh.ts), and 50
// concurrent clients, each calling policy_check_access over Streamable HTTP (one JSON-RPC `tools/call`
// POST per call, kept-alive connections, SSE answers read to the end) with distinct generated requests (the trace included, as the tool answers by default),
// as a stateless MCP client does after `initialize`. Every call goes through the full server path:
// DNS-rebinding guard, auth middleware, a fresh McpServer and transport, argument and output
// validation, the engine, the audit log (one hash-chained SQLite append per call) and the metrics.
// Reports calls/s and latency percentiles over the measured calls, and the server's memory (RSS and
// heap from its /metrics) after warm-up, after each 25,000 calls and at the end: no growth means the
// figures level off. Targets: >= 2,000 calls/s, p99 < 50 ms on 2 cores.
// Usage: npx tsx bench/mcp-benchmarks.ts [--seed N] [--calls 100000] [--clients 50] [--no-trace]
//   [--url http://127.0.0.1:PORT]   (a gic serve already running on the bench mesh, e.g. under --cpu-prof)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { Agent, request } from 'undici';

import { generateMesh } from './generate-mesh.js';
import { generateRequests } from './generate-requests.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, calls: { type: 'string' }, clients: { type: 'string' }, 'no-trace': { type: 'boolean' }, url: { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const totalCalls = Number(values.calls ?? 100_000);
const clients = Number(values.clients ?? 50);
const withTrace = values['no-trace'] !== true;
const warmupCalls = Math.min(5_000, Math.floor(totalCalls / 10));
const progress = (message: string): void => void process.stderr.write(`[bench:mcp] ${message}\n`);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const round = (n: number): number => Math.round(n * 100) / 100;

const work = mkdtempSync(join(tmpdir(), 'gic-mcp-bench-'));
const server = { child: undefined as ReturnType<typeof spawn> | undefined };
try {
  progress(`generating the mesh (seed ${seed}) and ${Math.min(totalCalls, 20_000)} distinct requests`);
  const generated = generateMesh(seed);
  for (const source of generated.sources) {
    mkdirSync(dirname(join(work, source.file)), { recursive: true });
    writeFileSync(join(work, source.file), source.text);
  }
  const requests = generateRequests(generated, Math.min(totalCalls, 20_000), seed + 7).map((r) => JSON.stringify({ request: r, ...(withTrace ? {} : { trace: false }) }));

  const external = values.url;
  progress(external === undefined ? 'starting gic serve on the bench mesh' : `using the running server at ${external}`);
  const child = external !== undefined ? undefined : spawn(process.execPath, [join(repo, 'bin', 'gic.js'), 'serve', '--port', '0', '--mesh', join(work, 'mesh'), '--data-dir', join(work, 'data')], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIC_CONFIG: '', KUBECONFIG: '', GIC_GERRIT_URL: '', GIC_MODEL_URL: '' } });
  server.child = child;
  let stderr = '';
  child?.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  const url = external ?? await new Promise<string>((resolve, reject) => {
    if (child === undefined) return;
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /listening on (http:\/\/\S+?) /.exec(out);
      if (m !== null) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`gic serve exited (${code}): ${stderr}`)));
  });
  progress(`gic serve at ${url}`);

  const agent = new Agent({ connections: clients, pipelining: 1, keepAliveTimeout: 30_000 });
  let id = 0;
  const call = async (argsJson: string): Promise<void> => {
    id++;
    const body = `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"policy_check_access","arguments":${argsJson}}}`;
    const res = await request(`${url}/mcp`, { method: 'POST', body, dispatcher: agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' } });
    const text = await res.body.text();
    if (res.statusCode !== 200 || !text.includes('"structuredContent"') || text.includes('"isError":true')) throw new Error(`call failed: ${res.statusCode} ${text.slice(0, 300)}`);
  };
  const memory = async (): Promise<{ rssMB: number; heapUsedMB: number; externalMB: number }> => {
    const text = await (await request(`${url}/metrics`, { dispatcher: agent })).body.text();
    const metric = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { rssMB: round(metric('gic_process_resident_memory_bytes') / 1048576), heapUsedMB: round(metric('gic_nodejs_heap_size_used_bytes') / 1048576), externalMB: round(metric('gic_nodejs_external_memory_bytes') / 1048576) };
  };
  const cpuSeconds = async (): Promise<number> => {
    const text = await (await request(`${url}/metrics`, { dispatcher: agent })).body.text();
    return Number(/^gic_process_cpu_seconds_total (\S+)/m.exec(text)?.[1] ?? Number.NaN);
  };

  /** Runs `count` calls over `clients` concurrent loops; returns each call's latency (ms). */
  const run = async (count: number, onEvery?: { every: number; fn: (done: number) => Promise<void> }): Promise<Float64Array> => {
    const latencies = new Float64Array(count);
    let next = 0;
    let done = 0;
    let checkpoint = onEvery?.every ?? Infinity;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (;;) {
          const i = next++;
          if (i >= count) return;
          const started = performance.now();
          await call(requests[i % requests.length] as string);
          latencies[i] = performance.now() - started;
          done++;
          if (onEvery !== undefined && done >= checkpoint) {
            checkpoint += onEvery.every;
            await onEvery.fn(done);
          }
        }
      }),
    );
    return latencies;
  };

  progress(`warming up: ${warmupCalls} calls`);
  await run(warmupCalls);
  const afterWarmup = await memory();
  progress(`after warm-up: RSS ${afterWarmup.rssMB} MB, heap ${afterWarmup.heapUsedMB} MB`);
  const checkpoints: { calls: number; rssMB: number; heapUsedMB: number; externalMB: number }[] = [];
  progress(`measuring: ${totalCalls} calls from ${clients} concurrent clients`);
  const cpuBefore = await cpuSeconds();
  const started = performance.now();
  const latencies = await run(totalCalls, {
    every: 25_000,
    fn: async (done) => {
      const m = await memory();
      checkpoints.push({ calls: done, ...m });
      progress(`${done} calls: RSS ${m.rssMB} MB, heap ${m.heapUsedMB} MB, external ${m.externalMB} MB`);
    },
  });
  const wallS = (performance.now() - started) / 1000;
  const serverCpuS = (await cpuSeconds()) - cpuBefore;
  const end = await memory();
  const sorted = Float64Array.from(latencies).sort();
  const pct = (p: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
  const rate = totalCalls / wallS;
  progress(`${Math.round(rate)} calls/s, p50 ${pct(50)} ms, p99 ${pct(99)} ms; server CPU ${round(serverCpuS)} s; RSS ${end.rssMB} MB`);
  const growthMB = round(end.rssMB - (checkpoints[0]?.rssMB ?? afterWarmup.rssMB));
  const output = {
    results: [
      { name: 'mcp-check-access-throughput', value: round(rate), unit: 'calls/s', target: { min: 2_000 }, pass: rate >= 2_000, details: { calls: totalCalls, clients, wallS: round(wallS), serverCpuS: round(serverCpuS), callsPerServerCpuSecond: Math.round(totalCalls / serverCpuS), trace: withTrace } },
      { name: 'mcp-check-access-p99', value: pct(99), unit: 'ms', target: { max: 50 }, pass: pct(99) < 50, details: { p50: pct(50), p90: pct(90), p99: pct(99), p999: pct(99.9), max: pct(100) } },
      { name: 'mcp-server-rss-after-calls', value: end.rssMB, unit: 'MB', target: null, pass: null, details: { afterWarmup, checkpoints, end, growthSinceFirstCheckpointMB: growthMB } },
    ],
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  await agent.close();
} finally {
  server.child?.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 500));
  rmSync(work, { recursive: true, force: true });
}
