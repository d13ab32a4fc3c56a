// Benchmarks of `gic analyze` on the generated bench mesh (bench/generate-mesh.ts: 2,000 workloads,
// 5,000 AuthorizationPolicies), printing ONE JSON document on stdout; progress goes to stderr.
// run-benchmarks.ts runs this file as a child process and folds its results into `npm run bench`.
//   analyze-full: snapshot + analyzers with witness checks, from parsed documents   < 2 s
//       (median of 3 runs after a first, cold run with witness checks off; the cold run is reported)
//   analyze-reanalysis: one changed resource, AnalysisSession.upsert + findings()    < 50 ms (median;
//       p95 reported apart)
//   peak-rss-gic-analyze: a child process runs `gic analyze --mesh DIR -o json`    < 1 GB
// Each timing carries its CPU time too (process.cpuUsage): wall times mean little on a busy machine.
// YAML parsing and the incremental session's set-up are reported without a target.
// Usage: npx tsx bench/analyze-benchmarks.ts [--seed N] [--edits N] [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ALL_ANALYZERS } from '../src/policy/analyze/all.js';
import { type AnalysisSnapshot, snapshotFromDocuments } from '../src/policy/analyze/analysis-snapshot.js';
import { AnalysisSession } from '../src/policy/analyze/analysis-session.js';
import { runAnalyzers } from '../src/policy/analyze/run-analyzers.js';
import { parseDocuments } from '../src/policy/parse/parse-documents.js';
import type { ParsedDocument } from '../src/policy/parse/parsed-document.js';
import { generateMesh } from './generate-mesh.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, edits: { type: 'string' }, runs: { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const editCount = Number(values.edits ?? 40);
const runs = Number(values.runs ?? 3);
const progress = (m: string): void => void process.stderr.write(`[bench:analyze] ${m}\n`);
const round = (x: number): number => Math.round(x * 100) / 100;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Wall and CPU milliseconds of `f`. */
function timed<T>(f: () => T): { result: T; wallMs: number; cpuMs: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  const result = f();
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(c);
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

progress('generating the mesh');
const generated = generateMesh(seed);

const parsing = timed(() => {
  const documents: ParsedDocument[] = [];
  for (const s of generated.sources) documents.push(...parseDocuments(s.text, s.file).documents);
  return documents;
});
const documents = parsing.result;
progress(`parsed ${documents.length} documents in ${round(parsing.wallMs)} ms`);

interface FullRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly snapshotMs: number;
  readonly analyzersMs: number;
  readonly findings: number;
  readonly witnesses: number;
  readonly byCode: Record<string, number>;
}

/** One full analysis; only counts leave the function, so its garbage can go before the next run. */
function fullRun(verifyWitnesses: boolean): FullRun & { snapshot: AnalysisSnapshot } {
  const c = process.cpuUsage();
  const t0 = performance.now();
  const snapshot = snapshotFromDocuments(documents);
  const t1 = performance.now();
  const r = runAnalyzers(snapshot, ALL_ANALYZERS, { verifyWitnesses });
  const t2 = performance.now();
  const used = process.cpuUsage(c);
  const byCode = Object.fromEntries([...r.findings.reduce((m, f) => m.set(f.code, (m.get(f.code) ?? 0) + 1), new Map<string, number>())].sort());
  const witnesses = verifyWitnesses ? r.findings.filter((f) => f.witness !== undefined).length : 0;
  return { snapshot, wallMs: t2 - t0, cpuMs: (used.user + used.system) / 1000, snapshotMs: t1 - t0, analyzersMs: t2 - t1, findings: r.findings.length, witnesses, byCode };
}

const { snapshot: _cold, ...cold } = fullRun(false);
progress(`cold run without witness checks: ${round(cold.wallMs)} ms (cpu ${round(cold.cpuMs)} ms)`);
const full: FullRun[] = [];
let snapshot: AnalysisSnapshot | undefined;
for (let i = 0; i < runs; i++) {
  const { snapshot: s, ...run } = fullRun(true);
  snapshot = s;
  full.push(run);
  progress(`full analysis ${i + 1}/${runs}: ${round(run.wallMs)} ms (cpu ${round(run.cpuMs)} ms; snapshot ${round(run.snapshotMs)} ms, analyzers ${round(run.analyzersMs)} ms), ${run.findings} findings, ${run.witnesses} verified witnesses`);
}
const last = full[full.length - 1]!;

progress('building the incremental session');
const setup = timed(() => new AnalysisSession(snapshot!, ALL_ANALYZERS));
const session = setup.result;

// Each edit replaces one existing AuthorizationPolicy (a namespace typo or a method change) in place.
const policies = session.current.mesh.authorizationPolicies.filter((p) => p.namespace !== session.current.mesh.meshConfig.rootNamespace);
const editWall: number[] = [];
const editCpu: number[] = [];
const recomputed: number[] = [];
for (let i = 0; i < editCount; i++) {
  const p = policies[(i * 7919) % policies.length]!;
  const text = [
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    `metadata: {name: ${p.name}, namespace: ${p.namespace}}`,
    'spec:',
    `  selector: {matchLabels: {app: ${p.spec.selector?.matchLabels?.['app'] ?? 'edited'}}}`,
    '  rules:',
    '  - from:',
    `    - source: {namespaces: [${i % 2 === 0 ? 'no-such-namespace' : p.namespace}]}`,
    '    to:',
    `    - operation: {methods: [${i % 3 === 0 ? 'get' : 'GET'}]}`,
  ].join('\n');
  const edit = timed(() => {
    const stats = session.upsert({ file: `edit-${i}.yaml`, text });
    session.findings();
    return stats;
  });
  editWall.push(edit.wallMs);
  editCpu.push(edit.cpuMs);
  recomputed.push(edit.result.recomputed);
}
const sortedEdits = [...editWall].sort((a, b) => a - b);
const p95 = sortedEdits[Math.min(sortedEdits.length - 1, Math.floor(sortedEdits.length * 0.95))] ?? Number.NaN;
progress(`re-analysis after one changed policy: median ${round(median(editWall))} ms, p95 ${round(p95)} ms (cpu median ${round(median(editCpu))} ms)`);
const inProcessPeakMB = process.resourceUsage().maxRSS / 1024;

progress('running gic analyze on the mesh in a child process');
const rss = ((): { maxRssMB: number; details: Record<string, unknown> } => {
  const workDir = mkdtempSync(join(tmpdir(), 'gic-analyze-bench-'));
  try {
    for (const source of generated.sources) {
      mkdirSync(dirname(join(workDir, source.file)), { recursive: true });
      writeFileSync(join(workDir, source.file), source.text);
    }
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'analyze-rss-child.ts'), join(workDir, 'mesh')], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const report = JSON.parse(child.stdout.trim().split('\n').pop() || '{}') as { exitCode?: number; outputBytes?: number; wallMs?: number; cpuMs?: number; maxRssMB?: number; stderr?: string };
    // Exit 3: findings at or above the failure threshold (the bench mesh has errors on purpose).
    const failed = child.status !== 0 || (report.exitCode !== 0 && report.exitCode !== 3) || (report.outputBytes ?? 0) === 0;
    if (failed) progress(`child failed (status ${child.status}): ${child.stderr.slice(0, 2000)} ${report.stderr ?? ''}`);
    return { maxRssMB: failed ? Number.NaN : (report.maxRssMB ?? Number.NaN), details: { exitCode: report.exitCode, outputMegabytes: round((report.outputBytes ?? 0) / 1e6), wallMs: round(report.wallMs ?? Number.NaN), cpuMs: round(report.cpuMs ?? Number.NaN) } };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
})();
progress(`gic analyze peak RSS: ${round(rss.maxRssMB)} MB`);

const result = (name: string, value: number, unit: string, target: { max: number } | null, details?: Record<string, unknown>): Record<string, unknown> => ({
  name,
  value: round(value),
  unit,
  target,
  pass: target === null ? null : value < target.max,
  ...(details === undefined ? {} : { details }),
});
const fullWall = median(full.map((r) => r.wallMs));
const out = {
  seed,
  mesh: {
    documents: documents.length,
    workloads: snapshot!.mesh.workloads.length,
    authorizationPolicies: snapshot!.mesh.authorizationPolicies.length,
    peerAuthentications: snapshot!.mesh.peerAuthentications.length,
    requestAuthentications: snapshot!.mesh.requestAuthentications.length,
    inputFindings: snapshot!.inputFindings.length,
  },
  findings: { total: last.findings, withVerifiedWitness: last.witnesses, byCode: last.byCode },
  results: [
    result('analyze-full', fullWall, 'ms', { max: 2000 }, {
      cpuMs: round(median(full.map((r) => r.cpuMs))),
      snapshotMs: round(median(full.map((r) => r.snapshotMs))),
      analyzersMs: round(median(full.map((r) => r.analyzersMs))),
      runs: full.map((r) => round(r.wallMs)),
      runsCpuMs: full.map((r) => round(r.cpuMs)),
      firstRunWithoutWitnessChecks: { wallMs: round(cold.wallMs), cpuMs: round(cold.cpuMs), snapshotMs: round(cold.snapshotMs), analyzersMs: round(cold.analyzersMs) },
    }),
    result('analyze-reanalysis-median', median(editWall), 'ms', { max: 50 }, { cpuMs: round(median(editCpu)), edits: editCount, medianRecomputedSubjects: median(recomputed) }),
    result('analyze-reanalysis-p95', p95, 'ms', null, { cpuMs: round([...editCpu].sort((a, b) => a - b)[Math.min(editCpu.length - 1, Math.floor(editCpu.length * 0.95))] ?? Number.NaN) }),
    result('peak-rss-gic-analyze', rss.maxRssMB, 'MB', { max: 1024 }, rss.details),
    result('analyze-parse-documents', parsing.wallMs, 'ms', null, { cpuMs: round(parsing.cpuMs) }),
    result('analyze-session-setup', setup.wallMs, 'ms', null, { cpuMs: round(setup.cpuMs) }),
    result('peak-rss-analyze-benchmark-process', inProcessPeakMB, 'MB', null),
  ],
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
