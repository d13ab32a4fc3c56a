// Benchmark of the exact access diff (src/policy/diff): on the generated bench mesh (2,000 workloads,
// 5,000 policies), edit one AuthorizationPolicy (four kinds of edit, twelve policies) and time the
// diff between the two compiled meshes, as `gic diff` runs it (src/parallel/parallel-diff.ts: worker
// threads for the class diffs when there are many). Two sets of edits:
//   scoped:    workload- and namespace-scoped policies (selectors, waypoint targetRefs,
//              namespace-wide)                                               target < 200 ms (worst)
//   mesh-wide: root-namespace policies without a selector, which reach every workload
//                                                                             target < 2,000 ms (worst)
// Each timing has its wall and CPU time (all threads of this process). Usage: npx tsx
// bench/diff-benchmarks.ts [--seed N] [--edits N] [--only scoped|mesh-wide] [--workers N].
// Prints one JSON document on stdout; progress on stderr.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

import type { DiffStats } from '../src/policy/diff/access-diff.js';
import { compileMesh } from '../src/policy/evaluate/compile-mesh.js';
import type { AuthorizationPolicySpec } from '../src/policy/resources/authorization-policy.js';
import type { AuthorizationPolicy, Mesh } from '../src/policy/resources/mesh.js';
import { parseMesh } from '../src/policy/parse/parse-mesh.js';
import { diffInParallel } from '../src/parallel/parallel-diff.js';
import { generateMesh } from './generate-mesh.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, edits: { type: 'string' }, only: { type: 'string' }, workers: { type: 'string' } } });
const seed = Number(values.seed ?? 1);
const workers = Number(values.workers ?? Math.min(2, availableParallelism()));

const edits: { name: string; edit: (spec: AuthorizationPolicySpec) => AuthorizationPolicySpec }[] = [
  { name: 'add a method', edit: (s) => ({ ...s, rules: (s.rules ?? []).map((r, i) => (i === 0 ? { ...r, to: [{ operation: { methods: ['POST'], paths: ['/api/builds'] } }, ...(r.to ?? [])] } : r)) }) },
  { name: 'drop the last rule', edit: (s) => ({ ...s, rules: (s.rules ?? []).slice(0, -1) }) },
  { name: 'add a group rule', edit: (s) => ({ ...s, rules: [...(s.rules ?? []), { when: [{ key: 'request.auth.claims[groups]', values: ['release-managers'] }], to: [{ operation: { methods: ['GET'] } }] }] }) },
  { name: 'narrow to one principal', edit: (s) => ({ ...s, rules: [{ from: [{ source: { principals: ['bench.example.com/ns/ci/sa/runner'] } }] }] }) },
];

function withEdit(mesh: Mesh, index: number, edit: (spec: AuthorizationPolicySpec) => AuthorizationPolicySpec): Mesh {
  const policies = [...mesh.authorizationPolicies];
  const p = policies[index] as AuthorizationPolicy;
  policies[index] = { ...p, spec: edit(p.spec), lineOf: p.lineOf };
  return { ...mesh, authorizationPolicies: policies };
}

const generated = generateMesh(seed);
const { mesh } = parseMesh(generated.sources);
const t0 = performance.now();
const before = compileMesh(mesh);
const compileMs = performance.now() - t0;
const root = mesh.meshConfig.rootNamespace;
const scope = (p: AuthorizationPolicy): string => (p.spec.selector !== undefined ? 'workload' : p.namespace === root ? 'mesh' : 'namespace');
const editCount = Number(values.edits ?? 12);
const round = (x: number): number => Math.round(x * 10) / 10;

interface Timing {
  edit: string;
  scope: string;
  policy: string;
  action: string;
  ms: number;
  cpuMs: number;
  workloads: number;
  unchangedByMasks: number;
  classes: number;
  classesEvaluated: number;
  changes: number;
}

/** Times `editCount` edits of the candidate policies (every 397th, from the seed on). */
async function run(set: 'scoped' | 'mesh-wide'): Promise<{ timings: Timing[]; medianMs: number; worstMs: number }> {
  const candidates = mesh.authorizationPolicies
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.spec.action !== 'CUSTOM' && (p.spec.rules?.length ?? 0) > 0 && (set === 'mesh-wide' ? scope(p) === 'mesh' : scope(p) !== 'mesh'));
  const timings: Timing[] = [];
  for (let k = 0; k < editCount; k++) {
    const { p, i } = candidates[(k * 397 + seed) % candidates.length] as { p: AuthorizationPolicy; i: number };
    const e = edits[k % edits.length] as (typeof edits)[number];
    const after = compileMesh(withEdit(mesh, i, e.edit));
    const stats: DiffStats = { workloadsCompared: 0, classesEvaluated: 0, workloadClasses: 0, rulesLeftOut: 0, unchangedByMasks: 0 };
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const report = await diffInParallel(before, after, { stats, workers });
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const t: Timing = {
      edit: e.name,
      scope: scope(p),
      policy: `${p.namespace}/${p.name}`,
      action: p.spec.action ?? 'ALLOW',
      ms: round(ms),
      cpuMs: round((cpu.user + cpu.system) / 1000),
      workloads: stats.workloadsCompared,
      unchangedByMasks: stats.unchangedByMasks,
      classes: stats.workloadClasses,
      classesEvaluated: stats.classesEvaluated,
      changes: report.changes.length,
    };
    timings.push(t);
    process.stderr.write(`[diff ${set}] ${e.name} on ${t.scope}-scoped ${t.policy}: ${ms.toFixed(1)} ms wall, ${t.cpuMs} ms CPU (${t.workloads} workloads, ${t.unchangedByMasks} unchanged by masks, ${t.classes} classes, ${t.changes} changes)\n`);
  }
  const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
  return { timings, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, worstMs: sorted[sorted.length - 1] ?? 0 };
}

const scoped = values.only === 'mesh-wide' ? undefined : await run('scoped');
const meshWide = values.only === 'scoped' ? undefined : await run('mesh-wide');
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'diff one policy edit',
      policies: mesh.authorizationPolicies.length,
      workloads: mesh.workloads.length,
      compileMs: Math.round(compileMs),
      workers,
      ...(scoped === undefined ? {} : { medianMs: scoped.medianMs, worstMs: scoped.worstMs, target: { max: 200 }, pass: scoped.worstMs < 200, timings: scoped.timings }),
      ...(meshWide === undefined ? {} : { meshWide: { medianMs: meshWide.medianMs, worstMs: meshWide.worstMs, target: { max: 2000 }, pass: meshWide.worstMs < 2000, timings: meshWide.timings } }),
    },
    null,
    2,
  )}\n`,
);
