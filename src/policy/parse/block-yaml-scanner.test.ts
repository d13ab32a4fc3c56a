import { describe, expect, it } from 'vitest';

import { scanBlockYaml } from './block-yaml-scanner.js';
import { type ParseOptions, parseDocuments } from './parse-documents.js';
import { plainScalarResolver } from './plain-scalar.js';

const scan = (text: string, yaml11Booleans = true, maxDepth = 64) => scanBlockYaml(text, 1, plainScalarResolver(yaml11Booleans), maxDepth, true);

/** Both paths of parseDocuments, for one text. */
function bothPaths(text: string, options: ParseOptions = {}) {
  return { fast: parseDocuments(text, 'f.yaml', options), full: parseDocuments(text, 'f.yaml', { ...options, fastPath: false }) };
}

// [text, whether the fast scanner reads it itself]; either way parseDocuments must not change.
const CASES: readonly (readonly [string, boolean])[] = [
  ['a: 1\nb:\n- x\n- y\n', true],
  ['a:\n  b: c # comment\n  d: "q" # c\n\n# end\n', true],
  ["a: 'it''s'\nb: \"tab\\tand \\u00e9\"\n", true],
  ['a: []\nb: {}\nc:\n  - {}\n  - []\n', true],
  ['a:\n  - b: 1\n    c: 2\n  - - x\n    - y\n  -\n  - z\n', true],
  ['a:\n-\n  # comment\n  b: 1\n- # comment\n- c\n', true],
  ['---\na: 1\n...\n', true],
  ['# head\n--- # c\na: 1\n', true],
  ['  a: 1\n  b:\n    c: 2\n', true],
  ['a: 0x1F\nb: 1e3\nc: .inf\nd: ~\ne: yes\nf: 010\ng: -0\nh: .NaN\ni: 1_000\nj: Off\nk: null\nl:\n', true],
  ['"quoted key": v\nkey with spaces : v\nistio.io/dry-run: "true"\n', true],
  ['a: 1\na: 2\nb:\n  c: 1\n  c: 2\n', true],
  ['__proto__: {}\nconstructor: 1\ntoString: x\n', true],
  ['a: b:c\nurl: http://x:80/y\npath: /api/{*}/orders/{**}\nx: a, b]\n', true],
  ['a: \\x\nb: "\\x41"\n', false],
  ['a: b\n  c\n', false],
  ['a: |\n  x\n', false],
  ['a: >-\n  x\n', false],
  ['a: &x 1\nb: *x\n', false],
  ['a: !!str 1\n', false],
  ['a: [1, 2]\n', false],
  ['a: {b: 1}\n', false],
  ['on: 1\n', false],
  ['1: a\n', false],
  ['<<: {a: 1}\n', false],
  ['"<<": 1\n"<<": 2\n', false],
  // `\/` is JSON but not go-yaml v2 (kubectl): the full parser reports it.
  ['a: "\\/\\b"\n', false],
  ['a: "\\t\\b"\n', true],
  ['a: "\\ud800"\n', false],
  ['- a\n- b\n', false],
  ['just a string\n', false],
  ['--- a: 1\n', false],
  ['%YAML 1.2\n---\na: 1\n', false],
  ['a:\tb\n', false],
  ['a: b\r\nc: d\r\n', false],
  ['a: b: c\n', false],
  ['a: - b\n', false],
  ['a: 1\n b: 2\n', false],
  ['a:\n  b: 1\n c: 2\n', false],
  ['a:\n  b: 1\n  - c\n', false],
  ['? a\n: b\n', false],
  ['a: "unterminated\n  more"\n', false],
  ['a: "x"y\n', false],
  ['a: "x"# c\n', false],
  [`${'k'.repeat(1100)}: v\n`, false],
  ['a:\n  b\n', false],
  ['a: 1\n---\nb: 2\n', false],
  ['a: \u0007\n', false],
  ['a: x\u2028y\n', false],
  ['a: x😀\n', false],
];

describe('scanBlockYaml (the fast path of parseDocuments)', () => {
  it.each(CASES)('%j: fast path %s, same result as the full parser', (text, fast) => {
    expect(scan(text) !== undefined).toBe(fast);
    const { fast: a, full: b } = bothPaths(text);
    expect(a.findings).toEqual(b.findings);
    expect(a.documents.map((d) => [d.source, JSON.stringify(d.value)])).toEqual(b.documents.map((d) => [d.source, JSON.stringify(d.value)]));
  });

  it('reads values, lines and duplicate keys like the full parser', () => {
    const text = ['kind: Pod', 'metadata:', '  name: a', '  name: b', 'spec:', '  containers:', '  - name: c', '    ports:', '    - containerPort: 80', '      name: http'].join('\n');
    const result = scan(text)!;
    expect(result.value).toEqual({ kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }] }] } });
    expect(result.duplicateKeys).toEqual([{ key: 'name', line: 4, column: 3 }]);
    const { fast, full } = bothPaths(text);
    expect(fast.findings.map((f) => [f.rule, f.line, f.column])).toEqual([['yaml.duplicate-key', 4, 3]]);
    expect(fast.findings).toEqual(full.findings);
    for (const path of ['metadata.name', 'spec.containers[0]', 'spec.containers[0].ports[0].name', 'spec.containers[0].ports[1]', 'spec', 'absent']) {
      expect(fast.documents[0]!.lineOf(path)).toBe(full.documents[0]!.lineOf(path));
    }
    expect(fast.documents[0]!.lineOf('spec.containers[0].ports[0].name')).toBe(10);
  });

  it('counts a flood of repeated keys without keeping them, with the same findings as the full parser', () => {
    const text = `kind: Pod\n${'name: x\n'.repeat(5000)}`;
    const result = scanBlockYaml(text, 1, plainScalarResolver(true), 64, false, 5)!;
    expect([result.duplicateKeys.length, result.moreDuplicateKeys]).toEqual([5, 4994]);
    const { fast, full } = bothPaths(text, { maxFindings: 5 });
    expect(fast.findings).toEqual(full.findings);
    expect(fast.findings.at(-1)!.message).toMatch(/^4994 more findings/);
  });

  it('keeps YAML 1.1 booleans optional, as parseDocuments does', () => {
    expect(scan('a: yes\nb: off\n')!.value).toEqual({ a: true, b: false });
    expect(scan('a: yes\nb: off\n', false)!.value).toEqual({ a: 'yes', b: 'off' });
    expect(scan('on: 1\n', false)!.value).toEqual({ on: 1 });
    const { fast, full } = bothPaths('on: yes\n', { yaml11Booleans: false });
    expect(fast.documents[0]!.value).toEqual(full.documents[0]!.value);
  });

  it('defers nesting at the depth limit, so the full parser and its pre-scan report it', () => {
    const text = 'a:\n  b:\n    c:\n      d: 1\n';
    expect(scan(text, true, 4)).toBeDefined();
    expect(scan(text, true, 3)).toBeUndefined();
    for (const maxDepth of [2, 3, 4]) {
      const { fast, full } = bothPaths(text, { maxDepth });
      expect(fast.findings).toEqual(full.findings);
      expect(fast.documents.length).toBe(full.documents.length);
    }
  });

  it('expands kind List items with their own lines', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n- kind: Namespace\n  metadata: {}\n';
    const { fast, full } = bothPaths(text);
    expect(fast.documents.map((d) => [d.source.line, d.lineOf('metadata.name')])).toEqual([
      [4, 7],
      [8, 9],
    ]);
    expect(full.documents.map((d) => [d.source.line, d.lineOf('metadata.name')])).toEqual([
      [4, 7],
      [8, 9],
    ]);
  });

  it('builds the line tree only when a line is asked for, and the same one each time', () => {
    const { documents } = parseDocuments('a:\n  b:\n  - 1\n  - 2\n', 'l.yaml');
    expect(documents[0]!.lineOf('a.b[1]')).toBe(4);
    expect(documents[0]!.lineOf('a.b[1]')).toBe(4);
    expect(documents[0]!.lineOf('a.c')).toBe(1);
  });
});
