// Golden table test of the analyzers (istio analyzers_test.go): every fixture in
// test/fixtures/istio/analyze/<area>.yaml is analyzed as one mesh, and each document must produce
// exactly the codes its `# Expected: CODE, ...` comment lists (no more, no less; documents without the
// comment produce none). Every witness a finding carries is then checked with the evaluator: parsed as
// a `gic check` request, it must get the decision the finding claims.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALL_ANALYZERS } from '../../src/policy/analyze/all.js';
import { buildAnalysisSnapshot } from '../../src/policy/analyze/analysis-snapshot.js';
import { runAnalyzers } from '../../src/policy/analyze/run-analyzers.js';
import { AccessRequestSchema } from '../../src/policy/evaluate/access-request.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { ANALYZE_FIXTURES, expectedFindings, FIXTURE_NOW, fixtureFiles } from './analyze-fixture-files.js';

const files = fixtureFiles();
/** Codes whose condition is the decision of their witness (docs/analyzers.md "Levels and witnesses"). */
const PROVEN_CODES = new Set(['GIC107', 'GIC108', 'GIC123']);
/** `code decision` of every witness checked, across the files. */
const checked: string[] = [];

describe('analyzer golden fixtures', () => {
  it('has a fixture per area', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    describe(file, () => {
      const text = readFileSync(join(ANALYZE_FIXTURES, file), 'utf8');
      const snapshot = buildAnalysisSnapshot([{ file, text }]);
      const result = runAnalyzers(snapshot, ALL_ANALYZERS, { now: FIXTURE_NOW });

      it('reads without input problems', () => {
        expect(snapshot.inputFindings.filter((f) => f.rule !== 'mesh.invalid-policy')).toEqual([]);
        expect(result.failures).toEqual([]);
      });

      it('produces exactly the expected findings per document', () => {
        const expected = expectedFindings(text);
        const got = new Map<string, string[]>();
        for (const f of result.findings) {
          const key = `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`;
          got.set(key, [...(got.get(key) ?? []), f.code].sort());
        }
        const mismatches: string[] = [];
        for (const key of new Set([...expected.keys(), ...got.keys()])) {
          const want = expected.get(key) ?? [];
          const have = got.get(key) ?? [];
          if (JSON.stringify(want) !== JSON.stringify(have)) {
            const detail = result.findings.filter((f) => `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}` === key).map((f) => `    ${f.code} ${f.field}: ${f.message}`);
            mismatches.push(`${key}: expected [${want.join(', ')}], got [${have.join(', ')}]\n${detail.join('\n')}`);
          }
        }
        expect(mismatches.join('\n')).toBe('');
      });

      it('points every finding at a line of the file and names a fix', () => {
        for (const f of result.findings) {
          expect(f.file).toBe(file);
          expect(f.line).toBeGreaterThan(0);
          expect(f.source).toBe(`${file}:${f.line}`);
          expect(f.fix.length).toBeGreaterThan(10);
          expect(f.message.length).toBeGreaterThan(20);
        }
      });

      it('carries only witnesses that the evaluator confirms', () => {
        const compiled = compileMesh(snapshot.mesh);
        for (const f of result.findings) {
          // Codes whose condition is a decision are reported only with the witness that proves it.
          if (PROVEN_CODES.has(f.code)) expect(f.witness, `${f.code} ${f.resource.name}`).toBeDefined();
          if (f.witness === undefined) continue;
          const request = AccessRequestSchema.parse(f.witness.request);
          const decision = evaluateRequest(compiled, request);
          expect({ code: f.code, field: f.field, decision: decision.decision }).toEqual({ code: f.code, field: f.field, decision: f.witness.decision });
          checked.push(`${f.code} ${f.witness.decision}`);
        }
      });
    });
  }

  // The loop above skips findings without a witness: make sure it checked many, of many codes and decisions.
  it('checked witnesses of many codes and decisions', () => {
    expect(checked.length).toBeGreaterThanOrEqual(30);
    expect(new Set(checked.map((c) => c.split(' ')[0])).size).toBeGreaterThanOrEqual(15);
    expect(new Set(checked.map((c) => c.split(' ')[1]))).toEqual(new Set(['ALLOW', 'DENY']));
  });
});
