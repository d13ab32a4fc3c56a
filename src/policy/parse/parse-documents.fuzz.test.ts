// Fuzzes parseDocuments with hostile and random input: it must never throw, must finish quickly, and
// every finding and document must point at a line that exists in the input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { DEFAULT_PARSE_LIMITS, parseDocuments } from './parse-documents.js';
import type { ParseResult } from './parsed-document.js';

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const FIELD_PATHS = ['', 'metadata.name', 'spec.rules[0].from[0].source.principals[1]', 'items[3]', 'a.b.c', 'x["y.z"][2]'];

/** Parses under the given limits and checks the invariants; returns the result for extra checks. */
function check(text: string, file = 'fuzz.yaml', limits = { maxDocumentSize: 64 * 1024, maxFileSize: 256 * 1024 }): ParseResult {
  const started = performance.now();
  const result = parseDocuments(text, file, limits);
  const elapsed = performance.now() - started;
  expect(elapsed).toBeLessThan(3000);
  const lines = lineCount(text);
  for (const finding of result.findings) {
    expect(finding.file).toBe(file);
    expect(Number.isInteger(finding.line) && finding.line >= 1 && finding.line <= lines).toBe(true);
    expect(Number.isInteger(finding.column) && finding.column >= 1).toBe(true);
    expect(finding.rule).toMatch(/^yaml\./);
  }
  for (const doc of result.documents) {
    expect(typeof doc.value === 'object' && doc.value !== null && !Array.isArray(doc.value)).toBe(true);
    for (const path of FIELD_PATHS) {
      const line = doc.lineOf(path);
      expect(line >= 1 && line <= lines).toBe(true);
    }
  }
  return result;
}

const yamlish = fc.array(
  fc.oneof(
    fc.constantFrom('---\n', '...\n', '- ', ': ', '? ', '[', ']', '{', '}', ',', '&a ', '*a', '&b ', '*b ', '!!str ', '!tag ', '|\n', '>-\n', '#', '"', "'", '\n', '  ', '\t', 'key', 'kind: List\n', 'items:\n', '<<: ', '%YAML 1.2\n', '\0', '\uFFFD', '\r\n'),
    fc.string({ maxLength: 8 }),
  ),
  { maxLength: 200 },
).map((parts) => parts.join(''));

const jsonValue = fc.jsonValue({ maxDepth: 6 });

describe('parseDocuments under fuzzing', () => {
  it('survives random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => void check(text)), { numRuns: 300 });
  });

  it('survives random bytes decoded as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const text = new TextDecoder().decode(bytes);
        const result = check(text);
        if (text.includes('\uFFFD') || text.includes('\0')) expect(result.findings.some((f) => f.rule === 'yaml.binary')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('survives YAML-shaped noise (indicators, anchors, aliases, markers, tags)', () => {
    fc.assert(fc.property(yamlish, (text) => void check(text)), { numRuns: 500 });
  });

  it('survives nested brackets and indentation of any depth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.constantFrom('[', '{', '{a: ', '- ', '[{"k": '), fc.boolean(), (depth, open, closed) => {
        const close = open.startsWith('[') ? ']' : open.startsWith('{') ? '}' : '';
        const text = `${open.repeat(depth)}x${closed ? close.repeat(depth) : ''}`;
        const result = check(text);
        if (depth > DEFAULT_PARSE_LIMITS.maxDepth && close !== '') expect(result.findings.map((f) => f.rule)).toContain('yaml.limit.depth');
      }),
      { numRuns: 100 },
    );
  });

  it('survives alias fan-out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (levels, width) => {
        let text = 'l0: &l0 [x, y]\n';
        for (let i = 1; i <= levels; i++) text += `l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]\n`;
        check(text);
      }),
      { numRuns: 60 },
    );
  });

  it('survives huge scalars and many documents within the limits, and refuses beyond them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 2000 }), (scalar, docs) => {
        const text = `a: ${'x'.repeat(scalar)}\n${'---\nb: 1\n'.repeat(docs)}`;
        const result = check(text);
        if (text.length > 256 * 1024) expect(result.findings.map((f) => f.rule)).toEqual(['yaml.limit.size']);
        else if (scalar + 4 > 64 * 1024) expect(result.findings.map((f) => f.rule)).toEqual(['yaml.limit.document-size']);
        else expect(result.documents).toHaveLength(docs + 1);
      }),
      { numRuns: 25 },
    );
  });

  it('reads any JSON object as the same value, also inside YAML streams', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), jsonValue, { maxKeys: 5 }), fc.boolean(), (object, pretty) => {
        const text = JSON.stringify(object, null, pretty ? 2 : undefined);
        const result = check(text, 'value.json');
        expect(result.findings.filter((f) => f.rule !== 'yaml.limit.depth')).toEqual([]);
        if (result.findings.length === 0) expect(result.documents.map((d) => d.value)).toEqual([JSON.parse(text)]);
        const mixed = check(`a: 1\n---\n${text}\n---\nb: 2\n`);
        expect(mixed.documents.length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 200 },
    );
  });
});
