// Worker thread of parallel-diff.ts: receives two cut meshes and workload classes as plain data,
// compiles the meshes, diffs each class for all its members and answers with the changes and counters.
import { parentPort } from 'node:worker_threads';

import { diffWorkloadClass, type DiffChange, type DiffStats } from '../policy/diff/access-diff.js';
import { type PortableClass, resolveClass } from '../policy/diff/class-batch.js';
import { compileMesh } from '../policy/evaluate/compile-mesh.js';
import { fromPortable, type PortableMesh } from './portable-mesh.js';

export interface DiffTask {
  readonly before: PortableMesh;
  readonly after: PortableMesh;
  readonly classes: readonly PortableClass[];
}

export interface DiffTaskResult {
  readonly changes: readonly DiffChange[];
  readonly classesEvaluated: number;
}

parentPort?.on('message', (task: DiffTask) => {
  try {
    const before = compileMesh(fromPortable(task.before));
    const after = compileMesh(fromPortable(task.after));
    const stats: DiffStats = { workloadsCompared: 0, classesEvaluated: 0, workloadClasses: 0, rulesLeftOut: 0, unchangedByMasks: 0 };
    const changes: DiffChange[] = [];
    for (const p of task.classes) changes.push(...diffWorkloadClass(before, after, resolveClass(before, after, p), stats));
    const result: DiffTaskResult = { changes, classesEvaluated: stats.classesEvaluated };
    parentPort?.postMessage({ ok: result });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
