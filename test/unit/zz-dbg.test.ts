import { it } from 'vitest';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { diffCompiled } from '../../src/policy/diff/access-diff.js';
import { classContains } from '../../src/policy/diff/class-contains.js';
import { buildMesh } from '../arbitraries/mesh-and-requests.js';
import { readFileSync } from 'node:fs';
it('dbg', () => {
  const { seed, after: afterSeed, request } = JSON.parse(readFileSync('/tmp/case.json', 'utf8'));
  const b = compileMesh(buildMesh(seed)); const a = compileMesh(buildMesh(afterSeed));
  const stats = {workloadsCompared:0, classesEvaluated:0};
  const r = diffCompiled(b, a, {stats});
  console.log(r.changes.length, stats); for (const c of r.changes) if (!c.match.protocols?.includes("tcp")) console.log(JSON.stringify({m: c.match, wi: c.witness}));
  console.log(evaluateRequest(b, request).decision, evaluateRequest(a, request).decision, r.changes.filter(c => classContains(c, request, a)).length);
  console.log(JSON.stringify(evaluateRequest(b, request).trace, null, 1));
});
