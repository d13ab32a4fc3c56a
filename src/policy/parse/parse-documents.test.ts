import { describe, expect, it } from 'vitest';

import { parseDocuments } from './parse-documents.js';

const rules = (text: string, file = 'f.yaml', limits = {}) => parseDocuments(text, file, limits).findings.map((f) => f.rule);

describe('parseDocuments: documents and lines', () => {
  const text = [
    'apiVersion: security.istio.io/v1', // 1
    'kind: AuthorizationPolicy', // 2
    'metadata:', // 3
    '  name: a', // 4
    '  annotations:', // 5
    '    istio.io/dry-run: "true"', // 6
    'spec:', // 7
    '  rules:', // 8
    '  - from:', // 9
    '    - source:', // 10
    '        principals:', // 11
    '        - cluster.local/ns/a/sa/x', // 12
    '        - cluster.local/ns/a/sa/y', // 13
    '---', // 14
    '# comment only', // 15
    '---', // 16
    'kind: Namespace', // 17
    'apiVersion: v1', // 18
    'metadata: {name: b}', // 19
  ].join('\n');
  const { documents, findings } = parseDocuments(text, 'p.yaml');

  it('reads every non-empty document in order with its start', () => {
    expect(findings).toEqual([]);
    expect(documents.map((d) => [d.index, d.source.line, (d.value as { kind: string }).kind])).toEqual([
      [0, 1, 'AuthorizationPolicy'],
      [1, 17, 'Namespace'],
    ]);
  });

  it('resolves nested field paths, quoted keys and absent paths to the nearest ancestor', () => {
    const doc = documents[0]!;
    expect(doc.lineOf('spec.rules[0].from[0].source.principals[1]')).toBe(13);
    expect(doc.lineOf('spec.rules[0].from[0].source.principals')).toBe(11);
    expect(doc.lineOf('spec.rules[0].from[0]')).toBe(10);
    expect(doc.lineOf('metadata.annotations["istio.io/dry-run"]')).toBe(6);
    expect(doc.lineOf('spec.rules[0].to[0].operation')).toBe(9);
    expect(doc.lineOf('spec.rules[3]')).toBe(8);
    expect(doc.lineOf('')).toBe(1);
    expect(documents[1]!.lineOf('metadata.name')).toBe(19);
  });
});

describe('parseDocuments: kind List', () => {
  const text = [
    'apiVersion: v1', // 1
    'kind: List', // 2
    'items:', // 3
    '- apiVersion: v1', // 4
    '  kind: Namespace', // 5
    '  metadata: {name: a}', // 6
    '- apiVersion: security.istio.io/v1', // 7
    '  kind: PeerAuthentication', // 8
    '  metadata:', // 9
    '    name: p', // 10
    '  spec:', // 11
    '    mtls:', // 12
    '      mode: STRICT', // 13
    '---', // 14
    'apiVersion: v1', // 15
    'kind: ServiceAccount', // 16
    'metadata: {name: s}', // 17
  ].join('\n');

  it('expands items; index counts items; lineOf resolves inside the item', () => {
    const { documents, findings } = parseDocuments(text, 'l.yaml');
    expect(findings).toEqual([]);
    expect(documents.map((d) => [d.index, d.source.line, (d.value as { kind: string }).kind])).toEqual([
      [0, 4, 'Namespace'],
      [1, 7, 'PeerAuthentication'],
      [2, 15, 'ServiceAccount'],
    ]);
    expect(documents[1]!.lineOf('spec.mtls.mode')).toBe(13);
    expect(documents[1]!.lineOf('metadata.name')).toBe(10);
    expect(documents[1]!.lineOf('spec.portLevelMtls')).toBe(11);
  });

  it('expands typed lists and JSON lists, and reports non-object items', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }, 'oops'] }, null, 2);
    const { documents, findings } = parseDocuments(json, 'pods.json');
    expect(documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(['x']);
    expect(documents[0]!.lineOf('metadata.name')).toBe(9);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['yaml.not-object', 12]]);
  });
});

describe('parseDocuments: malformed input becomes findings', () => {
  it('reports YAML syntax errors with their line and keeps the other documents', () => {
    const { documents, findings } = parseDocuments('a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n', 's.yaml');
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, { d: 4 }]);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.rule === 'yaml.syntax' && f.line >= 3 && f.line <= 5 && f.file === 's.yaml')).toBe(true);
  });

  it('explains JSON errors with JSON wording and the right line', () => {
    const { findings } = parseDocuments('{\n  "kind": "Pod",\n  "metadata" {"name": "x"}\n}\n', 'bad.json');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'yaml.syntax', line: 3 });
    expect(findings[0]!.message).toMatch(/^invalid JSON: /);
  });

  it('reports duplicate keys at the repeated key; the last value wins', () => {
    const { documents, findings } = parseDocuments('kind: Pod\nmetadata:\n  name: a\n  name: b\n', 'd.yaml');
    expect(findings.map((f) => [f.rule, f.line, f.level])).toEqual([['yaml.duplicate-key', 4, 'error']]);
    expect((documents[0]!.value as { metadata: { name: string } }).metadata.name).toBe('b');
  });

  it('reports documents that are not objects', () => {
    const { documents, findings } = parseDocuments('just a string\n---\n- a\n- b\n---\n42\n---\n~\n', 'n.yaml');
    expect(documents).toEqual([]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['yaml.not-object', 1],
      ['yaml.not-object', 3],
      ['yaml.not-object', 6],
    ]);
  });

  it('honours merge keys, and keeps directives with their document in YAML 1.2 streams', () => {
    const { documents, findings } = parseDocuments('base: &b {x: 1}\nmerged:\n  <<: *b\n  w: 2\n', 'm.yaml');
    expect(findings).toEqual([]);
    expect(documents[0]!.value).toEqual({ base: { x: 1 }, merged: { x: 1, w: 2 } });
    const yaml12 = parseDocuments('%YAML 1.2\n---\nbase: 1\n', 'm.yaml', { yaml11Booleans: false });
    expect(yaml12.findings).toEqual([]);
    expect(yaml12.documents[0]!.value).toEqual({ base: 1 });
  });

  it('rejects a directive as kubectl does: its reader drops the --- line the directive needs', () => {
    const { documents, findings } = parseDocuments('%YAML 1.1\n---\na: 1\n---\nb: 2\n', 'm.yaml');
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['yaml.syntax', 1]]);
    expect(findings[0]!.message).toMatch(/did not find expected <document start>/);
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reports a merge key whose value is not a map at that key, not as an alias bomb', () => {
    const { documents, findings } = parseDocuments('kind: Pod\nmetadata: {name: a}\nspec:\n  <<: null\n---\nkind: Pod\n', 'm.yaml');
    expect(findings.map((f) => [f.rule, f.line, f.column, f.message])).toEqual([['yaml.syntax', 4, 3, 'Merge sources must be maps or map aliases; document ignored']]);
    expect(documents.map((d) => d.value)).toEqual([{ kind: 'Pod' }]);
  });

  it('drops a whole List read item by item when one item is malformed, as a whole parse does', () => {
    const text = `kind: List\napiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: ${'a'.repeat(60)}}\n- kind: Pod\n  spec:\n    <<: 1\n`;
    const whole = parseDocuments(text, 'l.yaml');
    const split = parseDocuments(text, 'l.yaml', { maxDocumentSize: 100 });
    expect(split.findings).toEqual(whole.findings);
    expect(split.findings.map((f) => [f.rule, f.line])).toEqual([['yaml.syntax', 8]]);
    expect(split.documents).toEqual([]);
    expect(whole.documents).toEqual([]);
  });

  it('skips a byte-order mark', () => {
    expect(parseDocuments('\uFEFFa: 1\n', 'bom.yaml').documents[0]!.value).toEqual({ a: 1 });
  });
});

describe('parseDocuments: hostile input is bounded', () => {
  it('stops alias bombs (yaml.limit.aliases)', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
    let previous = 'a';
    for (let i = 0; i < 9; i++) {
      text += `b${i}: &b${i} [${Array(9).fill(`*${previous}`).join(', ')}]\n`;
      previous = `b${i}`;
    }
    expect(rules(text)).toEqual(['yaml.limit.aliases']);
    // 1 (root) + 3 × (key + {x: 1}) = 13 nodes once expanded.
    expect(rules('a: &a {x: 1}\nb: *a\nc: *a\n', 'f.yaml', { maxAliasExpansion: 12 })).toEqual(['yaml.limit.aliases']);
    expect(rules('a: &a {x: 1}\nb: *a\nc: *a\n', 'f.yaml', { maxAliasExpansion: 13 })).toEqual([]);
  });

  it('reads documents nested as deeply as real ones get (CRD schemas: tens of levels)', () => {
    const deep = (n: number): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`;
    expect(rules(deep(200))).toEqual([]);
    expect(rules(`a: ${'['.repeat(250)}1${']'.repeat(250)}`)).toEqual([]);
    expect(rules(deep(300))).toEqual(['yaml.limit.depth']);
  });

  it('lets an ordinary document use an anchor as often as kubectl does', () => {
    // go-yaml v2 accepts any number of aliases short of a bomb; yaml's own budget (100) would not.
    const rulesText = Array.from({ length: 300 }, (_, i) => `  - from: *callers\n    to: [{operation: {paths: ["/p${i}"]}}]`).join('\n');
    const text = `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: foo}\nx-callers: &callers [{source: {principals: [a, b]}}]\nspec:\n  rules:\n${rulesText}\n`;
    const { documents, findings } = parseDocuments(text, 'many-aliases.yaml');
    expect(findings).toEqual([]);
    expect((documents[0]?.value as { spec: { rules: unknown[] } }).spec.rules).toHaveLength(300);
  });

  it('reports an alias inside its own anchor instead of looping', () => {
    for (const text of ['a: &a [1, *a]\n', 'x: 1\ndata: &a\n  k: {j: *a}\n']) {
      const { documents, findings } = parseDocuments(text, 'cycle.yaml');
      expect(documents).toEqual([]);
      expect(findings.map((f) => [f.rule, f.line])).toEqual([['yaml.syntax', text.startsWith('a:') ? 1 : 3]]);
      expect(findings[0]?.message).toMatch(/anchor "a" value contains itself/);
    }
  });

  it('stops deep flow and block nesting before parsing (yaml.limit.depth)', () => {
    expect(rules('['.repeat(200_000) + ']'.repeat(200_000))).toEqual(['yaml.limit.depth']);
    expect(rules(`a: ${'{b: '.repeat(300)}1${'}'.repeat(300)}`)).toEqual(['yaml.limit.depth']);
    const block = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    const found = parseDocuments(block, 'deep.yaml').findings;
    expect(found.map((f) => [f.rule, f.line])).toEqual([['yaml.limit.depth', 257]]);
    expect(rules(`${'- '.repeat(10_000)}x`)).toEqual(['yaml.limit.depth']);
    expect(rules(`a: ${'['.repeat(10)}1${']'.repeat(10)}`, 'f.yaml', { maxDepth: 5 })).toEqual(['yaml.limit.depth']);
  });

  it('accepts nesting up to the limit and does not count brackets inside strings or block scalars', () => {
    const quoted = `a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\nc: |\n  ${'['.repeat(100)}\n  {{{{\nd: [x, "]]]", '[[[']\n`;
    const { documents, findings } = parseDocuments(quoted, 'ok.yaml');
    expect(findings).toEqual([]);
    expect((documents[0]!.value as { d: string[] }).d).toEqual(['x', ']]]', '[[[']);
    expect(rules(`a: ${'['.repeat(60)}1${']'.repeat(60)}`)).toEqual([]);
  });

  it('refuses huge files and documents before parsing (yaml.limit.size, yaml.limit.document-size)', () => {
    expect(rules('a: b\n'.repeat(100), 'f.yaml', { maxFileSize: 100 })).toEqual(['yaml.limit.size']);
    const { documents, findings } = parseDocuments(`a: 1\n---\nb: ${'x'.repeat(1000)}\n---\nc: 3\n`, 'f.yaml', { maxDocumentSize: 500 });
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, { c: 3 }]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['yaml.limit.document-size', 3]]);
  });

  it('reports binary data (NUL bytes, invalid UTF-8 replacement characters)', () => {
    expect(parseDocuments('a: 1\nb: \0\0\n', 'bin.yaml').findings.map((f) => [f.rule, f.line])).toEqual([['yaml.binary', 2]]);
    expect(rules('a: \uFFFD\n')).toEqual(['yaml.binary']);
  });

  it('caps documents and findings per file', () => {
    const many = parseDocuments('---\na: 1\n'.repeat(30), 'f.yaml', { maxDocuments: 10 });
    expect(many.documents).toHaveLength(10);
    expect(many.findings.map((f) => f.rule)).toEqual(['yaml.limit.documents']);
    const noisy = parseDocuments('- x\n---\n'.repeat(50), 'f.yaml', { maxFindings: 5 });
    expect(noisy.findings.map((f) => f.rule)).toEqual([...Array(5).fill('yaml.not-object'), 'yaml.limit.findings']);
    expect(noisy.findings[5]!.message).toMatch(/^45 more findings/);
  });
});

describe('parseDocuments: empty documents count toward the document limit', () => {
  it('stops a stream of bare markers (YAML 1.2 streams; kubectl drops separator lines unparsed)', () => {
    const { documents, findings } = parseDocuments('---\n'.repeat(1000), 'e.yaml', { maxDocuments: 50, yaml11Booleans: false });
    expect(documents).toEqual([]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['yaml.limit.documents', 51]]);
    expect(parseDocuments('---\n'.repeat(1000), 'e.yaml', { maxDocuments: 50 })).toEqual({ documents: [], findings: [] });
  });
});

describe('parseDocuments: YAML as kubectl reads it', () => {
  it('reads the YAML 1.1 booleans of go-yaml v2 (y, yes, on, n, no, off) and keeps quoted ones as strings', () => {
    const { documents } = parseDocuments('a: yes\nb: No\nc: "yes"\nd: [y, N, off, ON, yess, True]\non: 1\n', 'b.yaml');
    expect(documents[0]!.value).toEqual({ a: true, b: false, c: 'yes', d: [true, false, false, true, 'yess', true], true: 1 });
    expect(documents[0]!.lineOf('true')).toBe(5);
  });
});

describe('parseDocuments: YAML 1.2 on request', () => {
  it('reads y/yes/on/n/no/off as strings with yaml11Booleans: false', () => {
    expect(parseDocuments('a: yes\nb: [n, off]\nc: true\n', 'b.yaml', { yaml11Booleans: false }).documents[0]!.value).toEqual({ a: 'yes', b: ['n', 'off'], c: true });
  });
});
