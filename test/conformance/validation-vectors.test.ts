// Table-driven conformance of `gic validate` over test/fixtures/istio/validate/*.yaml. Each fixture is a
// multi-document YAML file whose comments state what Istio (API server + istiod) decides:
//   `# Expected: valid`                       the document has no errors and no warnings
//   `<yaml> # Expect: error RULE FIELD`       a finding on this very line
//   `# Expect: warning RULE FIELD` (own line) a finding on the next non-comment line
//   `# Vector: V16`                            the document implements vector V16 of istio-authz.md §7.9
//   `# Passes: RULE, RULE`                     the document is a passing case for these rules
//   `# Semantics: docs/semantics.md#section`   (once per file) where the expectations come from
// Every document must state at least one expectation; findings must match exactly (rule, field, line,
// level). Coverage: every catalogued rule has a failing and a passing case, every §7.9 vector is present.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { RULES } from '../../src/policy/validate/rule-catalog.js';
import { validateSources } from '../../src/policy/validate/validate-sources.js';
import { missingDocSections } from '../support/doc-anchors.js';

const DIR = join(import.meta.dirname, '../fixtures/istio/validate');

interface Expectation {
  readonly level: 'error' | 'warning';
  readonly rule: string;
  readonly field: string;
  readonly line: number;
}

interface DocCase {
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly expectValid: boolean;
  readonly expectations: Expectation[];
  readonly vectors: string[];
  readonly passes: string[];
}

const EXPECT = /#\s*Expect:\s*(error|warning)\s+(\S+)\s*(\S*)\s*$/;

function readCases(file: string, text: string): DocCase[] {
  const lines = text.split('\n');
  const cases: DocCase[] = [];
  let current: { start: number; expectValid: boolean; expectations: Expectation[]; vectors: string[]; passes: string[] } | undefined;
  const close = (end: number): void => {
    if (current !== undefined) cases.push({ file, startLine: current.start, endLine: end, ...current });
  };
  const begin = (start: number): void => {
    current = { start, expectValid: false, expectations: [], vectors: [], passes: [] };
  };
  begin(1);
  let pendingOwnLine: Omit<Expectation, 'line'>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i] ?? '';
    if (/^---\s*$/.test(line)) {
      close(lineNo - 1);
      begin(lineNo + 1);
      continue;
    }
    const doc = current!;
    if (/#\s*Expected:\s*valid\b/.test(line)) doc.expectValid = true;
    const vector = /#\s*Vector:\s*(.+)$/.exec(line);
    if (vector?.[1] !== undefined) doc.vectors.push(...vector[1].split(/[,\s]+/).filter(Boolean));
    const passes = /#\s*Passes:\s*(.+)$/.exec(line);
    if (passes?.[1] !== undefined) doc.passes.push(...passes[1].split(/[,\s]+/).filter(Boolean));
    const m = EXPECT.exec(line);
    const ownLine = /^\s*#/.test(line);
    if (m !== null) {
      const e = { level: m[1] as 'error' | 'warning', rule: m[2] ?? '', field: m[3] ?? '' };
      if (ownLine) pendingOwnLine.push(e);
      else doc.expectations.push({ ...e, line: lineNo });
    }
    if (!ownLine && line.trim() !== '' && pendingOwnLine.length > 0) {
      for (const e of pendingOwnLine) doc.expectations.push({ ...e, line: lineNo });
      pendingOwnLine = [];
    }
  }
  close(lines.length);
  return cases.filter((c) => c.expectValid || c.expectations.length > 0 || lines.slice(c.startLine - 1, c.endLine).some((l) => l.trim() !== '' && !l.trim().startsWith('#')));
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
const allCases: DocCase[] = [];

describe('validation vectors', () => {
  it('has fixtures', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  for (const file of files) {
    const text = readFileSync(join(DIR, file), 'utf8');
    const cases = readCases(file, text);
    allCases.push(...cases);
    const report = validateSources([{ file, text }]);

    describe(file, () => {
      it('cites existing sections of docs/semantics.md', () => {
        const refs = [...text.matchAll(/^#\s*Semantics:\s*(.+)$/gm)].flatMap((m) => (m[1] ?? '').split(/[,\s]+/).filter(Boolean));
        expect(refs.length).toBeGreaterThan(0);
        expect(missingDocSections(refs)).toEqual([]);
      });
      for (const c of cases) {
        const title = `document at line ${c.startLine}${c.vectors.length > 0 ? ` (${c.vectors.join(', ')})` : ''}`;
        it(title, () => {
          expect(c.expectValid || c.expectations.length > 0, 'each document states an expectation').toBe(true);
          expect(c.expectValid && c.expectations.length > 0, 'a valid document expects no findings').toBe(false);
          // Resource entries belong to the document they start in; findings of a file-level entry (YAML
          // problems, kind '') belong to the document their line is in.
          const inDoc = (line: number): boolean => line >= c.startLine && line <= c.endLine;
          const entries = report.resources.filter((r) => r.kind === '' || inDoc(Number(r.source.slice(r.source.lastIndexOf(':') + 1))));
          const actual = entries
            .flatMap((r) => [...r.errors.map((x) => ({ level: 'error', ...x })), ...r.warnings.map((x) => ({ level: 'warning', ...x }))])
            .filter((x) => entries.length === 0 || x.field !== '' || inDoc(x.line))
            .map((x) => `${x.level} ${x.rule} ${x.field} @${x.line}`)
            .sort();
          const wanted = c.expectations.map((x) => `${x.level} ${x.rule} ${x.field} @${x.line}`).sort();
          expect(actual).toEqual(wanted);
          for (const r of entries) for (const x of [...r.errors, ...r.warnings]) if (r.kind !== '' || inDoc(x.line)) expect(x.message.length).toBeGreaterThan(20);
        });
      }
    });
  }

  it('covers every rule with a failing and a passing case', () => {
    const failing = new Set(allCases.flatMap((c) => c.expectations.map((e) => e.rule)));
    const passing = new Set(allCases.flatMap((c) => c.passes));
    const ids = Object.keys(RULES);
    expect(ids.filter((id) => !failing.has(id))).toEqual([]);
    expect(ids.filter((id) => !passing.has(id))).toEqual([]);
    expect([...passing].filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('covers every validation vector of istio-authz.md §7.9', () => {
    const vectors = new Set(allCases.flatMap((c) => c.vectors));
    const required = ['V1', 'V2', 'V4', 'V5', 'V7', 'V8', 'V10', 'V11', 'V13', 'V14', 'V16', 'V17', 'V19', 'V20', 'V22', 'V23', 'V25', 'V26', 'V28', 'V29', 'V31', 'V32', 'V34'];
    expect(required.filter((v) => !vectors.has(v))).toEqual([]);
  });

  it('levels of expected findings match the rule catalog', () => {
    const catalog = RULES as Readonly<Record<string, { level: string }>>;
    for (const c of allCases) for (const e of c.expectations) if (catalog[e.rule] !== undefined) expect(`${e.rule}:${e.level}`).toBe(`${e.rule}:${catalog[e.rule]?.level}`);
  });
});
