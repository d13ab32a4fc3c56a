// Golden access-diff scenarios (test/fixtures/istio/diff/<case>-before.yaml, -after.yaml,
// <case>.golden.json): the report equals the golden one, every witness decides as its change says in
// both meshes (in the one mesh where its workload exists, when the change says `onlyIn`), and lies in
// its own class. GIC_UPDATE_GOLDEN=1 rewrites the golden files (review them).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { diffCompiled } from '../../src/policy/diff/access-diff.js';
import { classContains } from '../../src/policy/diff/class-contains.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { parseMesh } from '../../src/policy/parse/parse-mesh.js';

const DIR = join(import.meta.dirname, '../fixtures/istio/diff');
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('-before.yaml'))
  .map((f) => f.slice(0, -'-before.yaml'.length))
  .sort();

function load(file: string): ReturnType<typeof compileMesh> {
  const { mesh, findings } = parseMesh([{ file, text: readFileSync(join(DIR, file), 'utf8') }]);
  expect(findings.filter((f) => f.level === 'error')).toEqual([]);
  return compileMesh(mesh);
}

describe('gic diff golden scenarios', () => {
  it('has scenarios', () => expect(cases.length).toBeGreaterThan(0));
  for (const name of cases) {
    it(name, () => {
      const before = load(`${name}-before.yaml`);
      const after = load(`${name}-after.yaml`);
      const report = diffCompiled(before, after);
      const goldenFile = join(DIR, `${name}.golden.json`);
      if (process.env['GIC_UPDATE_GOLDEN'] === '1') writeFileSync(goldenFile, `${JSON.stringify(report, null, 2)}\n`);
      expect(JSON.parse(JSON.stringify(report))).toEqual(JSON.parse(readFileSync(goldenFile, 'utf8')));
      for (const change of report.changes) {
        if (change.onlyIn !== 'after') expect(evaluateRequest(before, change.witness).decision).toBe(change.before);
        if (change.onlyIn !== 'before') expect(evaluateRequest(after, change.witness).decision).toBe(change.after);
        // A workload in one mesh only: nothing reaches it in the other (DENY there).
        if (change.onlyIn === 'after') expect(change.before).toBe('DENY');
        if (change.onlyIn === 'before') expect(change.after).toBe('DENY');
        expect(classContains(change, change.witness, change.onlyIn === 'before' ? before : after)).toBe(true);
      }
    });
  }
});
