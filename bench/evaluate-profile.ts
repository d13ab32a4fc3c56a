// Focused evaluation benchmark (issue 2 targets) for profiling and before/after comparisons on a busy
// machine: compiles the bench mesh (CPU time, median of 3), then evaluates the 10,000 bench requests
// for a fixed number of rounds, reporting requests per CPU-second and per-request p50/p99 from timed
// batches of 100. `--dump FILE` writes every decision (trace off, then on) as JSON lines, to diff two
// versions of the evaluator; `--trace` times decisions with their trace (as `gic check` builds them).
// Usage: npx tsx bench/evaluate-profile.ts [--seed N] [--rounds N] [--trace] [--dump FILE] [--profile FILE.cpuprofile]
// (`--profile` records a V8 CPU profile of the timed evaluation loop only.)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';

import { compileMesh } from '../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../src/policy/evaluate/evaluate-request.js';
import { parseMesh } from '../src/policy/parse/parse-mesh.js';
import { generateMesh } from './generate-mesh.js';
import { generateRequests } from './generate-requests.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, rounds: { type: 'string' }, trace: { type: 'boolean' }, dump: { type: 'string' }, profile: { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const rounds = Number(values.rounds ?? 30);
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

const generated = generateMesh(seed);
const { mesh } = parseMesh(generated.sources);
const compileCpu: number[] = [];
let compiled = compileMesh(mesh);
for (let i = 0; i < 3; i++) {
  const c = process.cpuUsage();
  compiled = compileMesh(mesh);
  compileCpu.push(cpuMs(c));
}
compileCpu.sort((a, b) => a - b);
const requests = generateRequests(generated, 10_000, seed + 1);

if (values.dump !== undefined) {
  const lines: string[] = [];
  for (const r of requests) lines.push(JSON.stringify(evaluateRequest(compiled, r, { trace: false })));
  for (const r of requests) lines.push(JSON.stringify(evaluateRequest(compiled, r)));
  writeFileSync(values.dump, `${lines.join('\n')}\n`);
}

const options = { trace: values.trace === true };
for (let i = 0; i < 50_000; i++) evaluateRequest(compiled, requests[i % requests.length]!, options);
const batch = 100;
const perRequest: number[] = [];
let sink = 0;
const session = values.profile === undefined ? undefined : new Session();
if (session !== undefined) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const cpu = process.cpuUsage();
for (let round = 0; round < rounds; round++) {
  for (let start = 0; start < requests.length; start += batch) {
    const t = process.hrtime.bigint();
    for (let i = start; i < start + batch; i++) sink += evaluateRequest(compiled, requests[i]!, options).reasons.length;
    perRequest.push(Number(process.hrtime.bigint() - t) / 1e3 / batch);
  }
}
const cpuSeconds = cpuMs(cpu) / 1000;
if (session !== undefined) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(values.profile!, JSON.stringify(profile));
  session.disconnect();
}
perRequest.sort((a, b) => a - b);
const pct = (p: number): number => Math.round(perRequest[Math.min(perRequest.length - 1, Math.floor(p * perRequest.length))]! * 1000) / 1000;
console.log(
  JSON.stringify({
    trace: options.trace,
    compileCpuMs: compileCpu.map((x) => Math.round(x)),
    requestsPerCpuSecond: Math.round((rounds * requests.length) / cpuSeconds),
    p50Micros: pct(0.5),
    p99Micros: pct(0.99),
    sink,
  }),
);
