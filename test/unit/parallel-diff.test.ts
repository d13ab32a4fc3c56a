// The diff on several threads gives the report the one-thread diff gives: classes diffed in a worker,
// against meshes cut down to what they read, change nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { diffCompiled, type DiffStats } from '../../src/policy/diff/access-diff.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { buildMesh, meshSeedArb, policySeedArb, ROOT } from '../arbitraries/mesh-and-requests.js';
import { diffInParallel } from '../../src/parallel/parallel-diff.js';

describe('diffInParallel', () => {
  it('gives the report of diffCompiled when worker threads diff part of the classes', async () => {
    let classesInWorkers = 0;
    const meshWide = policySeedArb().map((p) => ({ ...p, namespace: ROOT, spec: { ...p.spec, selector: undefined, targetRefs: undefined } }));
    await fc.assert(
      // Root-namespace policies without a selector reach every workload: several classes per edit.
      fc.asyncProperty(meshSeedArb, fc.array(meshWide, { minLength: 1, maxLength: 2 }), async (seed, added) => {
        const workloads = [...seed.workloads, ...seed.workloads.map((w) => ({ ...w, app: w.app === 'a' ? 'b' : w.app === 'b' ? 'c' : 'a' }))];
        const unique = workloads.filter((w, i) => workloads.findIndex((x) => x.namespace === w.namespace && x.app === w.app) === i);
        const base = { ...seed, workloads: unique };
        const before = compileMesh(buildMesh(base));
        const after = compileMesh(buildMesh({ ...base, policies: [...base.policies, ...added] }));
        const stats: DiffStats = { workloadsCompared: 0, classesEvaluated: 0, workloadClasses: 0, rulesLeftOut: 0, unchangedByMasks: 0 };
        const parallel = await diffInParallel(before, after, { workers: 2, minClassesForWorkers: 2, stats });
        if (stats.workloadClasses >= 2) classesInWorkers++;
        expect(JSON.parse(JSON.stringify(parallel))).toEqual(JSON.parse(JSON.stringify(diffCompiled(before, after))));
      }),
      { numRuns: 16 },
    );
    expect(classesInWorkers).toBeGreaterThan(3);
  }, 120_000);
});
