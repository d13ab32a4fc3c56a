// Benchmark of building one patch-set review as the review bot does (src/review/review-patch-set.ts
// buildPatchSetReview): the patch set's policy files, validation with lines, the exact access diff,
// the offline dry-run, the analyzers and the rendering of the Gerrit review, for one policy edit, on
// the demo mesh (examples/demo-mesh) and on the bench mesh (bench/generate-mesh.ts), with both bases
// (`review.base: mesh` and `repository`, where the whole branch is parsed as the base every time).
// Gerrit is an in-memory stand-in answering at once, so the figures exclude Gerrit round trips (the
// integration test against the Gerrit peer covers those). Targets (issue 14): p95 < 2 s on the demo
// mesh, < 5 s on the bench mesh; p50 reported too. A long-running process holds the mesh as the bot
// does; the first review of each series is a warm-up and not counted.
// Usage: npx tsx bench/review-patch-set-benchmarks.ts [--seed N] [--runs N] [--bench-runs N]. Prints
// one JSON document {results: [...]} on stdout; progress on stderr.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { CopilotDeps } from '../src/copilot/deps.js';
import { snapshotFromTexts } from '../src/kube/file-mesh-source.js';
import type { MeshSnapshot } from '../src/kube/mesh-source.js';
import { silentLogger } from '../src/log.js';
import type { ReviewGerrit } from '../src/review/review-gerrit.js';
import { buildPatchSetReview } from '../src/review/review-patch-set.js';
import { DEFAULT_REVIEW_SETTINGS, type ReviewBotSettings } from '../src/review/review-settings.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { generateMesh } from './generate-mesh.js';
import { type BenchResult, roundFigure } from './bench-results.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' }, 'bench-runs': { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const demoRuns = Number(values.runs ?? 20);
const benchRuns = Number(values['bench-runs'] ?? 8);
const progress = (message: string): void => void process.stderr.write(`[review-bench] ${message}\n`);
const round = (n: number): number => roundFigure(n, 1);

const results: BenchResult[] = [];

/** A policy repository in memory: the branch's files and one change editing one of them. */
interface Repository {
  readonly branch: readonly { file: string; text: string }[];
  readonly path: string;
  readonly after: string;
}

const PROJECT = 'bench-policies';
const REVISION = 'b'.repeat(40);

/** Answers the calls buildPatchSetReview makes, at once (no network): a change with patch set 1 editing `path`. */
function inMemoryGerrit(repo: Repository): ReviewGerrit {
  const before = new Map(repo.branch.map((f) => [f.file, f.text]));
  const gerrit = {
    getChange: () => Promise.resolve({ id: `${PROJECT}~1`, project: PROJECT, branch: 'master', change_id: 'I'.padEnd(41, '0'), subject: 'Edit a policy', status: 'NEW', _number: 1, current_revision: REVISION, current_revision_number: 1, revisions: { [REVISION]: { _number: 1, commit: { message: 'Edit a policy\n' } } }, messages: [], permitted_labels: { 'Policy-Check': ['-1', ' 0', '+1'] } }),
    getServerInfo: () => Promise.resolve({ change: { enable_robot_comments: true } }),
    listFiles: () => Promise.resolve({ '/COMMIT_MSG': { status: 'A' }, [repo.path]: { status: 'M' } }),
    listTreePaths: (_id: string, _rev: string, q: string) => Promise.resolve(repo.branch.map((f) => f.file).filter((f) => f.includes(q))),
    getFileContent: (_id: string, _rev: string, path: string, options: { parent?: number } = {}) => {
      const text = options.parent === 1 ? before.get(path) : path === repo.path ? repo.after : before.get(path);
      return text === undefined ? Promise.reject(new Error(`no ${path}`)) : Promise.resolve(text);
    },
  };
  return gerrit as unknown as ReviewGerrit;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function series(label: string, deps: CopilotDeps, repo: Repository, base: ReviewBotSettings['base'], runs: number, targetMs: number): Promise<void> {
  const settings: ReviewBotSettings = { ...DEFAULT_REVIEW_SETTINGS, project: PROJECT, base };
  const gerrit = inMemoryGerrit(repo);
  const timings: number[] = [];
  let last: Awaited<ReturnType<typeof buildPatchSetReview>> | undefined;
  for (let k = -1; k < runs; k++) {
    const start = performance.now();
    last = await buildPatchSetReview({ copilot: deps, gerrit, settings }, { project: PROJECT, change: 1, patchset: 1 });
    const ms = performance.now() - start;
    if (k >= 0) timings.push(round(ms));
    if (k < 0 || k === runs - 1) progress(`${label} base=${base}${k < 0 ? ' (warm-up)' : ''}: ${Math.round(ms)} ms, ${last.result?.diff.changes.length ?? 0} changes, vote ${last.rendered?.vote ?? 'none'}`);
  }
  const sorted = [...timings].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const details = { p50Ms: p50, p95Ms: p95, runs, worstMs: sorted.at(-1), changes: last?.result?.diff.changes.length, comments: last?.rendered?.comments.length, vote: last?.rendered?.vote, verified: last?.result?.verified };
  results.push({ name: `review-patch-set-${label}-${base}-p50`, value: p50, unit: 'ms', target: null, pass: null, details });
  results.push({ name: `review-patch-set-${label}-${base}-p95`, value: p95, unit: 'ms', target: { max: targetMs }, pass: p95 < targetMs, details });
}

const dataDir = mkdtempSync(join(tmpdir(), 'gic-review-bench-'));
try {
  const store = await openSqliteStore({ dataDir, synchronous: 'normal' });
  const depsOf = (snapshot: MeshSnapshot, origin: string): CopilotDeps => ({ mesh: { origin, snapshot: () => snapshot }, store, clock: () => new Date('2026-11-25T10:30:00Z'), logger: silentLogger, settings: { groupsClaim: { claim: 'groups', valueKind: 'name' } } });

  // The demo mesh: the branch holds its files under policies/; the edit lets CI delete builds.
  const demoDir = join(import.meta.dirname, '..', 'examples', 'demo-mesh');
  const demoFiles = readdirSync(demoDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ file: `policies/${f}`, text: readFileSync(join(demoDir, f), 'utf8') }));
  const builds = demoFiles.find((f) => f.file === 'policies/30-builds.yaml');
  if (builds === undefined || !builds.text.includes('methods: ["POST"]\n            paths: ["/api/builds", "/api/builds/*"]')) throw new Error('examples/demo-mesh/30-builds.yaml changed: update the benchmark edit');
  const demoEdit: Repository = { branch: demoFiles, path: 'policies/30-builds.yaml', after: builds.text.replace('methods: ["POST"]\n            paths: ["/api/builds", "/api/builds/*"]', 'methods: ["POST", "DELETE"]\n            paths: ["/api/builds", "/api/builds/*"]') };
  const demoDeps = depsOf(snapshotFromTexts(demoFiles, 1), 'files:examples/demo-mesh');
  for (const base of ['mesh', 'repository'] as const) await series('demo-mesh', demoDeps, demoEdit, base, demoRuns, 2_000);

  // The bench mesh: one namespace file gets a DENY of POST /api/builds for a CI principal, which the
  // namespace's broad ALLOWs let in before (so the diff has rows to find and witness).
  const generated = generateMesh(seed);
  const benchFiles = generated.sources.map((s) => ({ file: `policies/${s.file}`, text: s.text }));
  const target = benchFiles.find((f) => f.file.includes('/namespaces/') && f.text.includes('kind: AuthorizationPolicy'));
  if (target === undefined) throw new Error('the bench mesh has no namespace file with a policy');
  const namespace = /namespaces\/([^/]+)\.yaml$/.exec(target.file)?.[1] ?? 'default';
  const extra = `\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: bench-ci-runner\n  namespace: ${namespace}\nspec:\n  action: DENY\n  rules:\n    - from:\n        - source:\n            principals: ["bench.example.com/ns/ci/sa/runner"]\n      to:\n        - operation:\n            methods: ["POST"]\n            paths: ["/api/builds"]\n`;
  const benchEdit: Repository = { branch: benchFiles, path: target.file, after: `${target.text.replace(/\n+$/, '')}\n${extra}` };
  progress(`bench mesh: ${benchFiles.length} files, ${generated.counts['authorizationPolicies']} policies; editing ${target.file}`);
  const benchDeps = depsOf(snapshotFromTexts(benchFiles, 1), 'files:bench-mesh');
  for (const base of ['mesh', 'repository'] as const) await series('bench-mesh', benchDeps, benchEdit, base, base === 'mesh' ? benchRuns : Math.max(3, Math.ceil(benchRuns / 2)), 5_000);
  await store.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
