// Mechanical fixes on the analyzer golden fixtures: every finding that carries an `edit` gets a proven
// text replacement (what the review bot posts as a Gerrit fix suggestion), and the file with that
// replacement applied, analyzed again, no longer has the finding and has no new error. At least the four
// kinds of mechanical fix the catalog knows are exercised.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { documentNamed, ReviewFixes } from '../../src/copilot/review-fixes.js';
import { ALL_ANALYZERS } from '../../src/policy/analyze/all.js';
import { buildAnalysisSnapshot } from '../../src/policy/analyze/analysis-snapshot.js';
import type { Finding } from '../../src/policy/analyze/finding.js';
import { runAnalyzers } from '../../src/policy/analyze/run-analyzers.js';
import type { SourceReplacement } from '../../src/policy/fix/source-replacement.js';
import { parseDocuments } from '../../src/policy/parse/parse-documents.js';
import { ANALYZE_FIXTURES, FIXTURE_NOW, fixtureFiles } from './analyze-fixture-files.js';

function analyze(file: string, text: string): readonly Finding[] {
  return runAnalyzers(buildAnalysisSnapshot([{ file, text }]), ALL_ANALYZERS, { now: FIXTURE_NOW }).findings;
}

function apply(text: string, r: SourceReplacement): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number): number => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + character;
  return text.slice(0, offset(r.range.start_line, r.range.start_character)) + r.replacement + text.slice(offset(r.range.end_line, r.range.end_character));
}

const key = (f: Finding): string => `${f.code} ${f.resource.kind}/${f.resource.namespace}/${f.resource.name} ${f.field}`;

describe('mechanical fixes on the analyzer fixtures', () => {
  const fixed: string[] = [];

  for (const file of fixtureFiles()) {
    const text = readFileSync(join(ANALYZE_FIXTURES, file), 'utf8');
    const findings = analyze(file, text);
    const withEdits = findings.filter((f) => f.edit !== undefined);
    if (withEdits.length === 0) continue;
    it(`${file}: each edit is a proven replacement that removes its finding and adds no error`, () => {
      const fixes = new ReviewFixes(new Map([[file, text]]), parseDocuments(text, file).documents);
      for (const f of withEdits) {
        const fix = fixes.fixFor(file, documentNamed(f.resource.kind, f.resource.namespace, f.resource.name), f.edit!);
        expect(fix, key(f)).toBeDefined();
        expect(fix!.replacements).toHaveLength(1);
        const replacement = fix!.replacements[0]!;
        // The replacement starts on the line the finding points at.
        expect(replacement.range.start_line, key(f)).toBe(f.line);
        const after = analyze(file, apply(text, replacement));
        expect(after.map(key), key(f)).not.toContain(key(f));
        const errorsBefore = new Set(findings.filter((x) => x.level === 'error').map(key));
        expect(after.filter((x) => x.level === 'error' && !errorsBefore.has(key(x))).map(key)).toEqual([]);
        fixed.push(f.edit!.kind === 'rename-key' ? `${f.code} rename-key` : `${f.code} ${f.edit!.kind}`);
      }
    });
  }

  it('gives no edit where the fix needs judgement: a Service port that maps to different workload ports', () => {
    const deployment = (name: string, port: number): string =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: web}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}, tier: web}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: ${port}}]}]}\n`;
    const service = (name: string, port: number): string => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: web}\nspec: {selector: {app: ${name}}, ports: [{name: http, port: 80, targetPort: ${port}}]}\n`;
    const policy = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: tier, namespace: web}\nspec:\n  selector: {matchLabels: {tier: web}}\n  rules:\n  - to:\n    - operation: {ports: ["80"]}\n';
    const text = ['apiVersion: v1\nkind: Namespace\nmetadata: {name: web, labels: {istio-injection: enabled}}\n', deployment('a', 8080), service('a', 8080), deployment('b', 9090), service('b', 9090), policy].join('---\n');
    const gic118 = analyze('web.yaml', text).filter((f) => f.code === 'GIC118');
    expect(gic118).toHaveLength(1);
    expect(gic118[0]?.edit).toBeUndefined();
    // The same with one workload: mechanical.
    const one = ['apiVersion: v1\nkind: Namespace\nmetadata: {name: web, labels: {istio-injection: enabled}}\n', deployment('a', 8080), service('a', 8080), policy].join('---\n');
    expect(analyze('web.yaml', one).find((f) => f.code === 'GIC118')?.edit).toEqual({ kind: 'set-value', field: 'spec.rules[0].to[0].operation.ports[0]', value: '8080' });
  });

  it('covers every kind of mechanical fix the analyzers and validation give', () => {
    expect(new Set(fixed)).toEqual(new Set(['GIC100 rename-key', 'GIC104 set-value', 'GIC105 insert-after', 'GIC118 set-value']));
  });
});
