import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatFieldPath, type PathSegment } from './field-path.js';
import { parseDocuments } from './parse-documents.js';
import { scanJson } from './scan-json.js';

/** Every field path of a value. */
function paths(value: unknown, prefix: PathSegment[] = [], out: string[] = []): string[] {
  out.push(formatFieldPath(prefix));
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

describe('scanJson (the JSON fast path of parseDocuments)', () => {
  it('gives the same values and lines as the YAML path', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 5 }), { maxKeys: 6 }), fc.constantFrom(undefined, 1, 2, '\t'), (object, indent) => {
        const text = JSON.stringify(object, null, indent);
        const fast = parseDocuments(text, 'a.json');
        const slow = parseDocuments(`---\n${text}`, 'a.json');
        expect(fast.findings).toEqual([]);
        expect(slow.findings).toEqual([]);
        expect(fast.documents[0]!.value).toEqual(JSON.parse(text));
        expect(slow.documents[0]!.value).toEqual(fast.documents[0]!.value);
        for (const path of paths(object)) expect(fast.documents[0]!.lineOf(path) + 1).toBe(slow.documents[0]!.lineOf(path));
      }),
      { numRuns: 200 },
    );
  });

  it('reports duplicate keys (last wins) and excess depth', () => {
    const dup = parseDocuments('{\n  "kind": "Pod",\n  "kind": "Service"\n}', 'd.json');
    expect(dup.findings.map((f) => [f.rule, f.line, f.column])).toEqual([['yaml.duplicate-key', 3, 3]]);
    expect(dup.documents[0]!.value).toEqual({ kind: 'Service' });
    const deep = parseDocuments(`{"a":\n${'['.repeat(300)}${']'.repeat(300)}}`, 'deep.json');
    expect(deep.findings.map((f) => [f.rule, f.line])).toEqual([['yaml.limit.depth', 2]]);
  });

  it('leaves non-strict JSON to the YAML path', () => {
    expect(scanJson('{"a": [1, 2,],}', 1, 64)).toBeUndefined();
    expect(scanJson("{'a': 1}", 1, 64)).toBeUndefined();
    expect(scanJson('{"a": 1} x', 1, 64)).toBeUndefined();
    expect(parseDocuments('{"a": [1, 2,],}', 'lenient.json').documents[0]!.value).toEqual({ a: [1, 2] });
  });

  it('keeps __proto__ as a plain key', () => {
    const value = parseDocuments('{"__proto__": {"polluted": true}}', 'p.json').documents[0]!.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepts a JSON List larger than the document limit, and refuses other large documents', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}` } }));
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 1);
    const list = parseDocuments(text, 'l.json', { maxDocumentSize: 500 });
    expect(list.findings).toEqual([]);
    const lines = text.split('\n');
    expect(list.documents.map((d) => d.lineOf('metadata.name'))).toEqual(items.map((_, i) => lines.indexOf(`    "name": "n${i}"`) + 1));
    expect(parseDocuments(JSON.stringify({ kind: 'Pod', data: 'x'.repeat(600) }), 'p.json', { maxDocumentSize: 500 }).findings.map((f) => f.rule)).toEqual(['yaml.limit.document-size']);
  });
});
