// The exact access diff (src/policy/diff) on several threads. Planning (which workloads an edit
// reaches, and their classes) runs here; when there are many classes, they are split by weight between
// this thread and worker threads, each worker receiving the two meshes cut down to what its classes
// read (class-batch.ts). The report is the one diffCompiled gives: the class diffs are pure functions
// of their classes. This is the orchestration only; src/policy stays pure (no threads, no I/O).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { diffWorkloadClass, type DiffChange, type DiffOptions, type DiffReport, type DiffStats, reportOf } from '../policy/diff/access-diff.js';
import { classMeshes, type PortableClass, portableClass } from '../policy/diff/class-batch.js';
import { planClasses, type WorkloadClass } from '../policy/diff/workload-classes.js';
import { compileMesh, type CompiledMesh } from '../policy/evaluate/compile-mesh.js';
import type { Mesh } from '../policy/resources/mesh.js';
import type { DiffTask, DiffTaskResult } from './diff-worker.js';
import { toPortable } from './portable-mesh.js';

export interface ParallelDiffOptions extends Pick<DiffOptions, 'only'> {
  /** Threads to use, this one included (1: no worker). */
  readonly workers: number;
  readonly stats?: DiffStats;
  /** Fewer class diffs than this run on this thread alone (a worker's start costs more than it saves). */
  readonly minClassesForWorkers?: number;
}

const MIN_CLASSES_FOR_WORKERS = 48;

/** A worker thread running diff-worker.ts (through tsx when this process runs the TypeScript sources). */
function startWorker(): Worker {
  const self = import.meta.url;
  const fromSources = self.endsWith('.ts');
  const entry = new URL(fromSources ? './diff-worker.ts' : './diff-worker.js', self);
  if (!fromSources) return new Worker(entry);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

function runTask(task: DiffTask): Promise<DiffTaskResult> {
  const worker = startWorker();
  return new Promise<DiffTaskResult>((resolve, reject) => {
    worker.once('message', (reply: { ok?: DiffTaskResult; error?: string }) => {
      void worker.terminate();
      if (reply.ok !== undefined) resolve(reply.ok);
      else reject(new Error(`diff worker failed: ${reply.error ?? 'no answer'}`));
    });
    worker.once('error', (error) => {
      void worker.terminate();
      reject(error);
    });
    worker.postMessage(task);
  });
}

/** What a class costs, roughly: the rules its diff reads. */
function weight(cls: WorkloadClass): number {
  return 8 + cls.problem.rulesBefore.length + cls.problem.rulesAfter.length;
}

/** Classes split into `n` bins of about equal weight (heaviest first, each to the lightest bin). */
function binsOf(classes: readonly WorkloadClass[], n: number): WorkloadClass[][] {
  const bins = Array.from({ length: n }, () => ({ load: 0, classes: [] as WorkloadClass[] }));
  for (const cls of [...classes].sort((a, b) => weight(b) - weight(a))) {
    const bin = bins.reduce((min, b) => (b.load < min.load ? b : min));
    bin.classes.push(cls);
    bin.load += weight(cls);
  }
  return bins.map((b) => b.classes);
}

/** The exact access diff between two compiled meshes, on up to `options.workers` threads. */
export async function diffInParallel(before: CompiledMesh, after: CompiledMesh, options: ParallelDiffOptions): Promise<DiffReport> {
  const stats = options.stats;
  const classes = planClasses(before, after, { only: options.only, stats });
  const threads = Math.max(1, Math.floor(options.workers));
  const local = (list: readonly WorkloadClass[]): DiffChange[] => list.flatMap((cls) => diffWorkloadClass(before, after, cls, stats));
  if (threads === 1 || classes.length < (options.minClassesForWorkers ?? MIN_CLASSES_FOR_WORKERS)) return reportOf(local(classes));
  const [mine = [], ...theirs] = binsOf(classes, threads);
  // Started before this thread's own share, so that they run alongside it.
  const pending = theirs.map((bin) => {
    const portable: PortableClass[] = bin.map(portableClass);
    const meshes = classMeshes(before, after, portable);
    return runTask({ before: toPortable(meshes.before), after: toPortable(meshes.after), classes: portable });
  });
  const changes = local(mine);
  for (const result of await Promise.all(pending)) {
    changes.push(...result.changes);
    if (stats !== undefined) stats.classesEvaluated += result.classesEvaluated;
  }
  return reportOf(changes);
}

/** Threads for a diff on this machine: its cores, at most four. */
export function diffThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** `diffInParallel` on two snapshots, on every core of this machine (at most four threads). */
export function diffMeshesInParallel(before: Mesh, after: Mesh, options: Partial<ParallelDiffOptions> = {}): Promise<DiffReport> {
  return diffInParallel(compileMesh(before), compileMesh(after), { workers: diffThreads(), ...options });
}
