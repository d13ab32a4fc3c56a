// End-to-end throughput of `gic check --requests` on the bench mesh (issue 10 §5), printing ONE JSON
// document on stdout; progress goes to stderr. run-benchmarks.ts runs this file as a child process and
// folds its results into `npm run bench`. Measured from process start to the last result line, JSON in
// (a jsonl file of distinct generated requests) and JSON out (jsonl read from the pipe and counted by
// this process), with the gic process pinned to one core (`taskset -c 0`) when taskset exists, running
// the compiled CLI as an installed gic runs it (`tsc -p tsconfig.build.json` into .cache/bench-dist;
// through tsx when the build fails, which the details say):
//   check-end-to-end-no-trace     `--no-trace`                        >= 200,000 decisions/s
//   check-end-to-end-with-trace   the default output, with traces    >= 100,000 decisions/s
// Each also reports the gic process's CPU time (decisions per CPU-second: robust on a busy machine), the
// fixed cost (a one-request run: process start, reading, validating and compiling the mesh) and the
// steady-state rate once the mesh is compiled ((N - 1) / (T(N) - T(1))).
// Usage: npx tsx bench/check-end-to-end.ts [--seed N] [--requests N] [--traced-requests N]
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { generateMesh } from './generate-mesh.js';
import { generateRequests } from './generate-requests.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, requests: { type: 'string' }, 'traced-requests': { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const untracedCount = Number(values.requests ?? 1_000_000);
const tracedCount = Number(values['traced-requests'] ?? 300_000);
const progress = (m: string): void => void process.stderr.write(`[bench:check-e2e] ${m}\n`);
const round = (x: number): number => Math.round(x * 100) / 100;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  readonly exitCode: number | null;
  readonly lines: number;
  readonly lastLine: number;
  readonly errorLines: number;
  readonly wallMs: number;
  /** The gic process's user + system CPU time (from /usr/bin/time), when measurable. */
  readonly cpuMs?: number;
  readonly maxRssMB?: number;
  readonly stderr: string;
}

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const hasTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true'], { encoding: 'utf8' }).status === 0;

/** The CLI entry to run: the compiled build (as installed), else the sources through tsx. */
function cliEntry(): { argv: string[]; runtime: 'compiled' | 'tsx' } {
  const outDir = join(root, '.cache', 'bench-dist');
  progress('compiling the CLI (tsc -p tsconfig.build.json) into .cache/bench-dist');
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { cwd: root, encoding: 'utf8' });
  const main = join(outDir, 'src', 'cli', 'main.js');
  if (build.status === 0 && existsSync(main)) return { argv: [main], runtime: 'compiled' };
  progress(`the build failed (${build.stdout.slice(0, 500)}): measuring through tsx`);
  return { argv: ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts')], runtime: 'tsx' };
}
const entry = cliEntry();
/** Runs gic check on `file`, counting result lines as they arrive; the clock stops at the last one. */
function runCheck(meshDir: string, file: string, extra: readonly string[]): Promise<Run> {
  const timeFile = join(dirname(file), `time-${Date.now()}.txt`);
  const gic = [process.execPath, ...entry.argv, 'check', '--mesh', meshDir, '--requests', file, '-o', 'jsonl', '--log-level', 'error', ...extra];
  const command = [...(hasTime ? ['/usr/bin/time', '-f', '%U %S %M', '-o', timeFile] : []), ...(hasTaskset ? ['taskset', '-c', '0'] : []), ...gic];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let lastResultAt = started;
    const child = spawn(command[0]!, command.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let errorLines = 0;
    let tail = '';
    let stderr = '';
    let lastLineText = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      let from = 0;
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) {
        lines++;
        const line = from === 0 ? tail + chunk.slice(0, i) : chunk.slice(from, i);
        if (line.startsWith('{"line":') && line.includes('"error":')) errorLines++;
        tail = '';
        from = i + 1;
        lastLineText = line;
      }
      tail += chunk.slice(from);
      lastResultAt = performance.now();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      let cpuMs: number | undefined;
      let maxRssMB: number | undefined;
      if (hasTime) {
        try {
          const [user, system, rssKB] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
          cpuMs = ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
          maxRssMB = (rssKB ?? Number.NaN) / 1024;
        } catch {
          // no figure
        }
      }
      const lastLine = Number(/^\{"line":(\d+)/.exec(lastLineText)?.[1] ?? Number.NaN);
      resolve({ exitCode, lines, lastLine, errorLines, wallMs: lastResultAt - started, ...(cpuMs === undefined ? {} : { cpuMs }), ...(maxRssMB === undefined ? {} : { maxRssMB }), stderr });
    });
  });
}

/** Writes generated requests as jsonl files, the first `count` of them to each (constant memory): distinct requests. */
async function writeRequests(files: readonly { file: string; count: number }[], generated: ReturnType<typeof generateMesh>): Promise<void> {
  const outs = files.map((f) => ({ ...f, stream: createWriteStream(f.file) }));
  const total = Math.max(...files.map((f) => f.count));
  const batch = 50_000;
  for (let done = 0; done < total; done += batch) {
    const requests = generateRequests(generated, Math.min(batch, total - done), seed + 1 + done).map((r) => JSON.stringify(r));
    for (const out of outs) {
      if (done >= out.count) continue;
      const ok = out.stream.write(`${requests.slice(0, out.count - done).join('\n')}\n`);
      if (!ok) await new Promise<void>((resolve) => out.stream.once('drain', () => resolve()));
    }
  }
  await Promise.all(outs.map((o) => new Promise<void>((resolve, reject) => o.stream.end((error?: Error | null) => (error ? reject(error) : resolve())))));
}

const workDir = mkdtempSync(join(tmpdir(), 'gic-check-e2e-'));
try {
  progress(`generating the mesh (seed ${seed}) and ${Math.max(untracedCount, tracedCount)} requests`);
  const generated = generateMesh(seed);
  for (const source of generated.sources) {
    mkdirSync(dirname(join(workDir, source.file)), { recursive: true });
    writeFileSync(join(workDir, source.file), source.text);
  }
  const meshDir = join(workDir, 'mesh');
  const untracedFile = join(workDir, 'requests.jsonl');
  const traced = join(workDir, 'requests-traced.jsonl');
  const one = join(workDir, 'one.jsonl');
  await writeRequests([{ file: untracedFile, count: untracedCount }, { file: traced, count: tracedCount }, { file: one, count: 1 }], generated);

  progress('warming up (module transpile cache, file cache)');
  await runCheck(meshDir, one, ['--no-trace']);
  const results: unknown[] = [];
  for (const [name, file, count, extra, min] of [
    ['check-end-to-end-no-trace', untracedFile, untracedCount, ['--no-trace'], 200_000],
    ['check-end-to-end-with-trace', traced, tracedCount, [], 100_000],
  ] as const) {
    const fixed = await runCheck(meshDir, one, extra);
    progress(`${name}: one request takes ${round(fixed.wallMs)} ms wall${fixed.cpuMs === undefined ? '' : `, ${round(fixed.cpuMs)} ms CPU`} (start, mesh, compile)`);
    const run = await runCheck(meshDir, file, extra);
    const failed = run.exitCode !== 0 || run.lines !== count || run.lastLine !== count || run.errorLines > 0;
    if (failed) progress(`${name} failed: exit ${run.exitCode}, ${run.lines} lines (last ${run.lastLine}), ${run.errorLines} error lines; ${run.stderr}`);
    const rate = failed ? Number.NaN : count / (run.wallMs / 1000);
    progress(`${name}: ${count} decisions in ${round(run.wallMs)} ms wall = ${Math.round(rate)}/s${run.cpuMs === undefined ? '' : `; ${round(run.cpuMs)} ms CPU = ${Math.round(count / (run.cpuMs / 1000))}/CPU-s`}`);
    results.push({
      name,
      value: round(rate),
      unit: 'decisions/s',
      target: { min },
      pass: rate >= min,
      details: {
        requests: count,
        wallMs: round(run.wallMs),
        cpuMs: run.cpuMs === undefined ? null : round(run.cpuMs),
        decisionsPerCpuSecond: run.cpuMs === undefined ? null : Math.round(count / (run.cpuMs / 1000)),
        maxRssMB: run.maxRssMB === undefined ? null : round(run.maxRssMB),
        fixedCostWallMs: round(fixed.wallMs),
        fixedCostCpuMs: fixed.cpuMs === undefined ? null : round(fixed.cpuMs),
        steadyStateDecisionsPerSecond: Math.round((count - 1) / ((run.wallMs - fixed.wallMs) / 1000)),
        steadyStateDecisionsPerCpuSecond: run.cpuMs === undefined || fixed.cpuMs === undefined ? null : Math.round((count - 1) / ((run.cpuMs - fixed.cpuMs) / 1000)),
        oneCore: hasTaskset,
        runtime: entry.runtime,
        exitCode: run.exitCode,
      },
    });
  }
  process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
