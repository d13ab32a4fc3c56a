// `npm run bench`: measures gic's engine on a generated mesh (bench/generate-mesh.ts) against its
// targets and prints ONE JSON document on stdout (machine figures, then per benchmark the value, unit,
// target and pass/fail); progress goes to stderr. Benchmarks never run in `npm test`.
//   parse the mesh (YAML -> Mesh)      < 1 s      (median of 3 warm runs; bench/parse-benchmarks.ts has more)
//   compile the mesh                   < 1 s
//   evaluate random requests, 1 thread >= 250,000 req/s, median < 5 µs (p50/p99 from timed batches;
//                                      decision only, as hot loops call it; with the trace: no target)
//   validate 10,000 policies           < 1 s      (parsed documents; YAML parsing and the end-to-end
//                                      validateSources are reported separately, no target)
//   peak RSS of `gic check`            < 512 MB   (a child process runs the CLI's check on the mesh
//                                      and 10,000 requests; the benchmark process's own peak is reported too)
// Then, each in a child process (its JSON folded into this document; a missing script is listed in `notRun`):
//   analyze-benchmarks.ts: full `gic analyze` < 2 s, re-analysis after one change < 50 ms (median),
//                          peak RSS of `gic analyze` < 1 GB
//   diff-benchmarks.ts:    access diff after one scoped policy edit < 200 ms, after one mesh-wide
//                          (root-namespace) edit < 2 s (worst of the edits of each set)
//   check-end-to-end.ts:   `gic check --requests` from process start to the last line, JSON in and out,
//                          one core: >= 200,000 decisions/s with --no-trace, >= 100,000/s with traces
//   parse-benchmarks.ts:   parseDocuments on the mesh and on 10,000 policies (no target)
//   copilot-benchmarks.ts: prompt tokens of typical draft and explain tasks <= 4,000 (worst task);
//                          review of one policy edit < 1 s (median, without a model)
//   review-patch-set-benchmarks.ts: building the review bot's review of a patch set editing one policy
//                          (policy files, validation, diff, offline dry-run, analyzers, rendering;
//                          Gerrit in memory) with review.base mesh and repository: p95 < 2 s on the
//                          demo mesh, < 5 s on the bench mesh (p50 reported)
//   store-benchmarks.ts:   audit-log appends per second with the hash chain (one process, grouped,
//                          two processes) and verification speed; targets in that file
//   mcp-benchmarks.ts:     `gic serve` on the mesh, 50 concurrent clients calling policy_check_access
//                          over Streamable HTTP: >= 2,000 calls/s, p99 < 50 ms; server memory after
//                          100,000 calls (no growth)
// Not here: bench/gerrit-group-resolution.ts needs a live Gerrit (see bench/README.md).
// Usage: npm run bench [-- --seed N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { compileMesh } from '../src/policy/evaluate/compile-mesh.js';
import type { DecisionKind } from '../src/policy/evaluate/decision.js';
import { evaluateRequest } from '../src/policy/evaluate/evaluate-request.js';
import { parseDocuments } from '../src/policy/parse/parse-documents.js';
import type { ParsedDocument } from '../src/policy/parse/parsed-document.js';
import { validateDocument } from '../src/policy/validate/validate-document.js';
import { validateSources } from '../src/policy/validate/validate-sources.js';
import { benchRecorder, type BenchResult, type Target } from './bench-results.js';
import { generateMesh, generatePolicySources } from './generate-mesh.js';
import { generateRequests } from './generate-requests.js';
import { measureParseMesh, PARSE_MESH_TARGET_MS } from './parse-benchmarks.js';

const { values } = parseArgs({ options: { seed: { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const { results, record, progress } = benchRecorder('bench', 3);
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
/** CPU time (user + system) of this process since `since`, in ms: robust when the machine is busy. */
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const rssMB = (): number => round(process.memoryUsage().rss / 1024 / 1024);
const rssAfter: Record<string, number> = {};
const loadBefore = loadavg();

progress(`generating the mesh (seed ${seed})`);
let start = process.hrtime.bigint();
const generated = generateMesh(seed);
const generateMs = ms(start);
const bytes = generated.sources.reduce((n, s) => n + s.text.length, 0);
progress(`generated ${generated.sources.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${generateMs.toFixed(0)} ms`);

rssAfter['generate'] = rssMB();
// parseMesh (parse + snapshot): median of 3 runs after a warm-up (parse-benchmarks.ts).
const parsed = measureParseMesh(generated.sources, 3);
const { mesh, findings } = parsed.result;
record('parse-mesh', parsed.wallMs, 'ms', { max: PARSE_MESH_TARGET_MS }, {
  runs: parsed.runsWallMs, cpuMs: parsed.cpuMs, firstRunMs: parsed.firstRunWallMs, megabytesPerCpuSecond: parsed.megabytesPerCpuSecond,
  files: generated.sources.length, megabytes: round(bytes / 1e6), findings: findings.length,
});
let cpu: NodeJS.CpuUsage;
rssAfter['parse-mesh'] = rssMB();

const compileTimes: number[] = [];
const compileCpu: number[] = [];
const timedCompile = (): ReturnType<typeof compileMesh> => {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  const result = compileMesh(mesh);
  compileTimes.push(ms(t));
  compileCpu.push(cpuMs(c));
  return result;
};
timedCompile();
timedCompile();
const compiled = timedCompile();
rssAfter['compile-mesh'] = rssMB();
record('compile-mesh', median(compileTimes), 'ms', { max: 1000 }, {
  runs: compileTimes.map(round),
  cpuMs: round(median(compileCpu)),
  firstRunMs: round(compileTimes[0] ?? Number.NaN),
  authorizationPolicies: mesh.authorizationPolicies.length,
  peerAuthentications: mesh.peerAuthentications.length,
  requestAuthentications: mesh.requestAuthentications.length,
  workloads: mesh.workloads.length,
  namespaces: mesh.namespaces.size,
});

const requests = generateRequests(generated, 10_000, seed + 1);
progress('warming up the evaluator');
for (let i = 0; i < 50_000; i++) evaluateRequest(compiled, requests[i % requests.length]!, { trace: false });

/** Evaluates requests in timed batches for about `seconds`; per-request µs per batch, sorted. */
function measure(trace: boolean, seconds: number): { perRequestMicros: number[]; evaluated: number; elapsed: number; cpuSeconds: number; decisions: Record<DecisionKind, number> } {
  const decisions: Record<DecisionKind, number> = { ALLOW: 0, DENY: 0, UNAUTHENTICATED: 0, CONDITIONAL: 0 };
  const batchSize = 100;
  const perRequestMicros: number[] = [];
  const options = { trace };
  let evaluated = 0;
  let cursor = 0;
  const begin = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const deadline = begin + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    const batchStart = process.hrtime.bigint();
    for (let i = 0; i < batchSize; i++) {
      decisions[evaluateRequest(compiled, requests[cursor]!, options).decision]++;
      cursor = cursor + 1 === requests.length ? 0 : cursor + 1;
    }
    perRequestMicros.push(Number(process.hrtime.bigint() - batchStart) / 1e3 / batchSize);
    evaluated += batchSize;
  }
  perRequestMicros.sort((a, b) => a - b);
  return { perRequestMicros, evaluated, elapsed: Number(process.hrtime.bigint() - begin) / 1e9, cpuSeconds: cpuMs(cpuStart) / 1000, decisions };
}

const fast = measure(false, 3);
const batches = { batchSize: 100, batches: fast.perRequestMicros.length };
record('evaluate-throughput', fast.evaluated / fast.elapsed, 'requests/s', { min: 250_000 }, {
  requests: fast.evaluated, distinctRequests: requests.length, seconds: round(fast.elapsed), cpuSeconds: round(fast.cpuSeconds),
  requestsPerCpuSecond: round(fast.evaluated / fast.cpuSeconds), decisions: fast.decisions,
});
record('evaluate-latency-p50', percentile(fast.perRequestMicros, 0.5), 'µs', { max: 5 }, batches);
record('evaluate-latency-p99', percentile(fast.perRequestMicros, 0.99), 'µs', null, batches);
rssAfter['evaluate'] = rssMB();
const traced = measure(true, 2);
record('evaluate-throughput-with-trace', traced.evaluated / traced.elapsed, 'requests/s', null, {
  p50Micros: round(percentile(traced.perRequestMicros, 0.5)), p99Micros: round(percentile(traced.perRequestMicros, 0.99)),
  requestsPerCpuSecond: round(traced.evaluated / traced.cpuSeconds),
});

progress('generating 10,000 policies');
const policySources = generatePolicySources(seed + 2, 10_000);
rssAfter['generate-policies'] = rssMB();
start = process.hrtime.bigint();
cpu = process.cpuUsage();
const policyDocs: ParsedDocument[] = policySources.flatMap((source) => [...parseDocuments(source.text, source.file).documents]);
record('parse-10000-policies', ms(start), 'ms', null, { cpuMs: round(cpuMs(cpu)), documents: policyDocs.length, megabytes: round(policySources.reduce((n, s) => n + s.text.length, 0) / 1e6) });
for (const doc of policyDocs.slice(0, 500)) validateDocument(doc);
rssAfter['parse-policies'] = rssMB();
start = process.hrtime.bigint();
cpu = process.cpuUsage();
let validationErrors = 0;
let validationWarnings = 0;
for (const doc of policyDocs) {
  const entry = validateDocument(doc);
  validationErrors += entry?.errors.length ?? 0;
  validationWarnings += entry?.warnings.length ?? 0;
}
record('validate-10000-policies', ms(start), 'ms', { max: 1000 }, { cpuMs: round(cpuMs(cpu)), documents: policyDocs.length, errors: validationErrors, warnings: validationWarnings });
start = process.hrtime.bigint();
cpu = process.cpuUsage();
const report = validateSources(policySources);
record('validate-sources-10000-policies-end-to-end', ms(start), 'ms', null, { cpuMs: round(cpuMs(cpu)), resources: report.summary.resources, errors: report.summary.errors });

rssAfter['validate'] = rssMB();

progress('running gic check on the mesh and 10,000 requests in a child process');
const workDir = mkdtempSync(join(tmpdir(), 'gic-bench-'));
try {
  for (const source of generated.sources) {
    mkdirSync(dirname(join(workDir, source.file)), { recursive: true });
    writeFileSync(join(workDir, source.file), source.text);
  }
  const requestsFile = join(workDir, 'requests.jsonl');
  writeFileSync(requestsFile, requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'check-rss-child.ts'), join(workDir, 'mesh'), requestsFile], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const report = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { exitCode?: number; lines?: number; wallMs?: number; cpuMs?: number; maxRssMB?: number; stderr?: string };
  const failed = child.status !== 0 || report.exitCode !== 0 || report.lines !== requests.length;
  if (failed) progress(`child failed (status ${child.status}): ${child.stderr.slice(0, 2000)} ${report.stderr ?? ''}`);
  // A failed run measures nothing: NaN never passes.
  record('peak-rss-gic-check', failed ? Number.NaN : (report.maxRssMB ?? Number.NaN), 'MB', { max: 512 }, {
    exitCode: report.exitCode, resultLines: report.lines, wallMs: round(report.wallMs ?? Number.NaN), cpuMs: round(report.cpuMs ?? Number.NaN),
  });
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
record('peak-rss-benchmark-process', process.resourceUsage().maxRSS / 1024, 'MB', null, { rssAfterPhaseMB: rssAfter });

// The benchmarks that live in their own scripts run as child processes (each with its own memory, so
// their RSS figures are theirs alone); their JSON is folded in here. A missing script is listed as
// not run; a failed one records NaN, which never passes.
const benchDir = dirname(fileURLToPath(import.meta.url));
const notRun: string[] = [];
/** Runs `bench/<script>` with tsx and returns its stdout JSON, or undefined when it failed. */
function runScript(script: string, args: readonly string[]): unknown {
  const file = join(benchDir, script);
  if (!existsSync(file)) {
    notRun.push(script);
    progress(`${script} not present: not run`);
    return undefined;
  }
  progress(`running ${script} in a child process`);
  // A stuck script must not hang `npm run bench`: 15 minutes each at most.
  const child = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
  try {
    if (child.status !== 0) throw new Error(child.signal === null ? `exit status ${child.status}` : `killed by ${child.signal}${child.error === undefined ? '' : ` (${child.error.message})`}`);
    return JSON.parse(child.stdout) as unknown;
  } catch (error) {
    progress(`${script} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

// gic analyze (analyze-benchmarks.ts): full analysis, re-analysis after one edit, peak RSS of the CLI.
const analyze = runScript('analyze-benchmarks.ts', ['--seed', String(seed)]) as { results?: BenchResult[]; findings?: { total: number; withVerifiedWitness: number } } | undefined;
if (analyze?.results === undefined) record('analyze-full', Number.NaN, 'ms', { max: 2000 });
else
  for (const r of analyze.results) {
    const details = r.name === 'analyze-full' ? { ...r.details, findings: analyze.findings?.total, verifiedWitnesses: analyze.findings?.withVerifiedWitness } : r.details;
    record(r.name, r.value, r.unit, r.target, details);
  }

// The exact access diff (diff-benchmarks.ts): one edited policy, worst and median of the edits.
const diffPresent = existsSync(join(benchDir, 'diff-benchmarks.ts'));
interface DiffSet {
  medianMs?: number;
  worstMs?: number;
  timings?: { cpuMs?: number }[];
  target?: Target;
}
const diff = runScript('diff-benchmarks.ts', ['--seed', String(seed)]) as (DiffSet & { compileMs?: number; workers?: number; meshWide?: DiffSet }) | undefined;
const worstCpu = (set: DiffSet | undefined): number | undefined => (set?.timings === undefined ? undefined : Math.max(...set.timings.map((t) => t.cpuMs ?? 0)));
if (diffPresent) {
  record('diff-one-policy-edit-worst', diff?.worstMs ?? Number.NaN, 'ms', diff?.target ?? { max: 200 }, { medianMs: diff?.medianMs, worstCpuMs: worstCpu(diff), edits: diff?.timings?.length, compileMs: diff?.compileMs });
  record('diff-mesh-wide-edit-worst', diff?.meshWide?.worstMs ?? Number.NaN, 'ms', diff?.meshWide?.target ?? { max: 2000 }, { medianMs: diff?.meshWide?.medianMs, worstCpuMs: worstCpu(diff?.meshWide), edits: diff?.meshWide?.timings?.length, threads: diff?.workers });
}

// gic check end to end (check-end-to-end.ts): process start to last result line, one core.
const e2e = runScript('check-end-to-end.ts', ['--seed', String(seed)]) as { results?: BenchResult[] } | undefined;
if (e2e?.results === undefined) {
  if (existsSync(join(benchDir, 'check-end-to-end.ts'))) {
    record('check-end-to-end-no-trace', Number.NaN, 'decisions/s', { min: 200_000 });
    record('check-end-to-end-with-trace', Number.NaN, 'decisions/s', { min: 100_000 });
  }
} else for (const r of e2e.results) record(r.name, r.value, r.unit, r.target, r.details);

// Parsing (parse-benchmarks.ts): parse-mesh is measured above; its other figures come from here.
const parse = runScript('parse-benchmarks.ts', ['--seed', String(seed)]) as { figures?: Record<string, { wallMs?: number; cpuMs?: number } & Record<string, unknown>>; peakRssMB?: number } | undefined;
if (parse?.figures !== undefined) {
  for (const [name, figure] of Object.entries(parse.figures)) {
    if (name === 'parse-mesh' || typeof figure.wallMs !== 'number') continue;
    const { wallMs, ...details } = figure;
    record(name === 'parse-10000-policies' ? 'parse-10000-policies-median' : name, wallMs, 'ms', null, name === 'parse-documents-mesh' ? { ...details, fastPathShare: parse.figures['fast-path-share'], lineLookups: parse.figures['line-lookups-mesh'] } : details);
  }
} else if (existsSync(join(benchDir, 'parse-benchmarks.ts'))) record('parse-documents-mesh', Number.NaN, 'ms', null);

// The store's audit log (store-benchmarks.ts): appends per second with the hash chain, verification.
const store = runScript('store-benchmarks.ts', []) as { results?: BenchResult[] } | undefined;
if (store?.results !== undefined) for (const r of store.results) record(r.name, r.value, r.unit, r.target, r.details);
else if (existsSync(join(benchDir, 'store-benchmarks.ts'))) record('store-append-sequential', Number.NaN, 'appends/s', { min: 100 });

// The PostgreSQL store (postgres-store-benchmarks.ts): needs PostgreSQL 15 binaries (test/peers/postgres).
const postgres = runScript('postgres-store-benchmarks.ts', []) as { results?: BenchResult[] } | undefined;
if (postgres?.results !== undefined) for (const r of postgres.results) record(r.name, r.value, r.unit, r.target, r.details);
else if (existsSync(join(benchDir, 'postgres-store-benchmarks.ts'))) record('pg-append-grouped', Number.NaN, 'appends/s', { min: 2_000 });

// The copilot (copilot-benchmarks.ts): prompt tokens per task, review of one policy edit.
const copilot = runScript('copilot-benchmarks.ts', ['--seed', String(seed)]) as { results?: BenchResult[] } | undefined;
if (copilot?.results !== undefined) for (const r of copilot.results) record(r.name, r.value, r.unit, r.target, r.details);
else if (existsSync(join(benchDir, 'copilot-benchmarks.ts'))) {
  record('copilot-prompt-tokens-worst-task', Number.NaN, 'tokens', { max: 4_000 });
  record('copilot-review-one-policy-edit-median', Number.NaN, 'ms', { max: 1_000 });
}

// The review bot's patch-set review (review-patch-set-benchmarks.ts): p50/p95 on the demo and bench meshes.
const reviewBench = runScript('review-patch-set-benchmarks.ts', ['--seed', String(seed)]) as { results?: BenchResult[] } | undefined;
if (reviewBench?.results !== undefined) for (const r of reviewBench.results) record(r.name, r.value, r.unit, r.target, r.details);
else if (existsSync(join(benchDir, 'review-patch-set-benchmarks.ts'))) {
  for (const base of ['mesh', 'repository']) {
    record(`review-patch-set-demo-mesh-${base}-p95`, Number.NaN, 'ms', { max: 2_000 });
    record(`review-patch-set-bench-mesh-${base}-p95`, Number.NaN, 'ms', { max: 5_000 });
  }
}

// The MCP server under load (mcp-benchmarks.ts): calls/s, latency, memory after 100,000 calls.
const mcp = runScript('mcp-benchmarks.ts', ['--seed', String(seed)]) as { results?: BenchResult[] } | undefined;
if (mcp?.results !== undefined) for (const r of mcp.results) record(r.name, r.value, r.unit, r.target, r.details);
else if (existsSync(join(benchDir, 'mcp-benchmarks.ts'))) {
  record('mcp-check-access-throughput', Number.NaN, 'calls/s', { min: 2_000 });
  record('mcp-check-access-p99', Number.NaN, 'ms', { max: 50 });
}

const cpuList = cpus();
const output = {
  machine: {
    cpus: cpuList.length,
    model: cpuList[0]?.model ?? 'unknown',
    node: process.version,
    totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
    platform: `${process.platform}-${process.arch}`,
    /** 1/5/15-minute load averages before and after: wall times mean little when load exceeds the CPUs. */
    loadAverageBefore: loadBefore.map(round),
    loadAverageAfter: loadavg().map(round),
  },
  seed,
  mesh: { ...generated.counts, files: generated.sources.length, megabytes: round(bytes / 1e6), generateMs: round(generateMs) },
  benchmarks: results,
  ...(notRun.length === 0 ? {} : { notRun }),
  pass: results.every((r) => r.pass !== false),
};
process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);

function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 0.5);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
