import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

import { parseDocuments } from './parse-documents.js';
import { splitList } from './split-list.js';

const chunk = (text: string) => ({ offset: 0, text, line: 1 });

describe('splitList', () => {
  it('splits kubectl-style Lists into items, keeping lines in place', () => {
    const text = 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n\n- kind: Service\n  spec: {}\n# trailing\nkind: List\nmetadata: {}\n';
    const split = splitList(chunk(text))!;
    expect(split.items.map((i) => [i.line, i.text])).toEqual([
      [3, '  apiVersion: v1\n  kind: Pod\n\n'],
      [6, '  kind: Service\n  spec: {}\n'],
    ]);
    expect(split.envelope.text.split('\n')).toHaveLength(text.split('\n').length);
    expect(split.envelope.text).toBe('apiVersion: v1\nitems: []\n\n\n\n\n\n# trailing\nkind: List\nmetadata: {}\n');
  });

  it('handles indented sequences and does not apply to other shapes', () => {
    expect(splitList(chunk('kind: List\nitems:\n  - a: 1\n  - b: 2\n'))!.items.map((i) => i.text)).toEqual(['    a: 1\n', '    b: 2\n']);
    expect(splitList(chunk('kind: Pod\nspec: {}\n'))).toBeUndefined();
    expect(splitList(chunk('kind: List\nitems: []\n'))).toBeUndefined();
    expect(splitList(chunk('kind: List\nitems:\n  x: 1\n'))).toBeUndefined();
  });

  it('lets parseDocuments read a List larger than the document limit item by item, exactly as a whole parse', () => {
    const item = fc.record({
      apiVersion: fc.constant('v1'),
      kind: fc.constantFrom('Pod', 'Service'),
      metadata: fc.record({ name: fc.stringMatching(/^[a-z]{1,8}$/), labels: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }) }),
      spec: fc.jsonValue({ maxDepth: 3 }),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 15 }), fc.boolean(), (items, indentSeq) => {
        const text = stringify({ apiVersion: 'v1', items, kind: 'List' }, { indentSeq, lineWidth: 0 });
        const whole = parseDocuments(text, 'l.yaml');
        const split = parseDocuments(text, 'l.yaml', { maxDocumentSize: 64 + Math.max(...items.map((i) => stringify(i, { lineWidth: 0 }).length * 2)) });
        expect(split.findings).toEqual(whole.findings);
        expect(split.documents.map((d) => [d.index, d.source.line, d.value, d.lineOf('metadata.name'), d.lineOf('spec')])).toEqual(
          whole.documents.map((d) => [d.index, d.source.line, d.value, d.lineOf('metadata.name'), d.lineOf('spec')]),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('still refuses an oversized document that is not a List', () => {
    const { findings } = parseDocuments(`kind: Pod\nitems:\n- ${'x'.repeat(300)}\n`, 'p.yaml', { maxDocumentSize: 200 });
    expect(findings.map((f) => f.rule)).toEqual(['yaml.limit.document-size']);
  });
});
