import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { parseDocuments } from '../parse/parse-documents.js';
import type { MechanicalEdit } from './mechanical-edit.js';
import { type SourceReplacement, sourceReplacement } from './source-replacement.js';

/** Applies a Gerrit-style replacement (1-based lines, 0-based characters, end exclusive) to `text`. */
function apply(text: string, r: SourceReplacement): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number): number => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + character;
  return text.slice(0, offset(r.range.start_line, r.range.start_character)) + r.replacement + text.slice(offset(r.range.end_line, r.range.end_character));
}

function fixed(text: string, edit: MechanicalEdit, index = 0, file = 'p.yaml'): string | undefined {
  const r = sourceReplacement(text, file, index, edit);
  return r === undefined ? undefined : apply(text, r);
}

const POLICY = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: p
  namespace: demo
spec:
  rules:
  - to:
    - operation:
        methods:
        - get   # reads
        - "post"
        - 'put'
        ports: ["80", '81', 82]
        hosts:
        - reviews.demo.svc.cluster.local
`;

// Plain words that kube YAML reads as booleans or null, not strings.
const YAML11_WORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

const METHOD = (i: number, value: string): MechanicalEdit => ({ kind: 'set-value', field: `spec.rules[0].to[0].operation.methods[${i}]`, value });

describe('sourceReplacement', () => {
  it('replaces exactly the scalar, in the quoting style the file uses, and keeps comments', () => {
    const r = sourceReplacement(POLICY, 'p.yaml', 0, METHOD(0, 'GET'))!;
    expect(r).toEqual({ range: { start_line: 11, start_character: 10, end_line: 11, end_character: 13 }, replacement: 'GET' });
    expect(apply(POLICY, r).split('\n')[10]).toBe('        - GET   # reads');
    expect(fixed(POLICY, METHOD(1, 'POST'))!.split('\n')[11]).toBe('        - "POST"');
    expect(fixed(POLICY, METHOD(2, 'PUT'))!.split('\n')[12]).toBe("        - 'PUT'");
  });

  it('keeps the type of the value: string ports stay strings, numeric ports stay numbers', () => {
    const ports = (i: number, value: string): MechanicalEdit => ({ kind: 'set-value', field: `spec.rules[0].to[0].operation.ports[${i}]`, value });
    expect(fixed(POLICY, ports(0, '8080'))!.split('\n')[13]).toBe(`        ports: ["8080", '81', 82]`);
    expect(fixed(POLICY, ports(1, '8081'))!.split('\n')[13]).toBe(`        ports: ["80", '8081', 82]`);
    expect(fixed(POLICY, ports(2, '8082'))!.split('\n')[13]).toBe(`        ports: ["80", '81', 8082]`);
  });

  it('renames a key in place, and refuses when the new key exists already', () => {
    const text = 'kind: AuthorizationPolicy\nmetadata: {name: p}\nspec:\n  rules:\n  - from:\n    - source:\n        principal: ["a"]  # typo\n';
    expect(fixed(text, { kind: 'rename-key', field: 'spec.rules[0].from[0].source.principal', key: 'principals' })).toBe(text.replace('principal:', 'principals:'));
    const both = 'kind: X\nmetadata: {name: p}\nspec: {a: 1, b: 2}\n';
    expect(fixed(both, { kind: 'rename-key', field: 'spec.a', key: 'b' })).toBeUndefined();
  });

  it('inserts a list item after another, in block and flow lists', () => {
    const host = 'spec.rules[0].to[0].operation.hosts[0]';
    expect(fixed(POLICY, { kind: 'insert-after', field: host, value: 'reviews.demo.svc.cluster.local:*' })!.split('\n').slice(15, 18)).toEqual([
      '        - reviews.demo.svc.cluster.local',
      '        - reviews.demo.svc.cluster.local:*',
      '',
    ]);
    const flow = 'kind: X\nmetadata: {name: p}\nspec:\n  hosts: ["a.b", c]\n';
    expect(fixed(flow, { kind: 'insert-after', field: 'spec.hosts[0]', value: 'a.b:*' })).toBe('kind: X\nmetadata: {name: p}\nspec:\n  hosts: ["a.b", "a.b:*", c]\n');
  });

  it('finds the document by gic numbering: several documents and List items', () => {
    const text = `kind: X\nmetadata: {name: a}\nspec: {m: get}\n---\nkind: List\nitems:\n- kind: X\n  metadata: {name: b}\n  spec: {m: get}\n- kind: X\n  metadata: {name: c}\n  spec: {m: get}\n`;
    const edit: MechanicalEdit = { kind: 'set-value', field: 'spec.m', value: 'GET' };
    const out = fixed(text, edit, 2)!;
    expect(parseDocuments(out, 'f.yaml').documents.map((d) => (d.value as { spec: { m: string } }).spec.m)).toEqual(['get', 'get', 'GET']);
    expect(fixed(text, edit, 3)).toBeUndefined();
  });

  it('edits JSON files and keeps CRLF line ends', () => {
    const json = '{\n  "kind": "X",\n  "metadata": {"name": "p"},\n  "spec": {"methods": ["get"]}\n}\n';
    expect(fixed(json, { kind: 'set-value', field: 'spec.methods[0]', value: 'GET' }, 0, 'p.json')).toBe(json.replace('"get"', '"GET"'));
    const crlf = 'kind: X\r\nmetadata:\r\n  name: p\r\nspec:\r\n  hosts:\r\n  - a.b\r\n';
    expect(fixed(crlf, { kind: 'insert-after', field: 'spec.hosts[0]', value: 'a.b:*' })).toBe(`${crlf}  - a.b:*\r\n`.replace('  - a.b\r\n  - a.b:*\r\n', '  - a.b\r\n  - a.b:*\r\n'));
  });

  it('gives no replacement it cannot prove: a value that would read back as another type, block scalars, missing paths', () => {
    const text = 'kind: X\nmetadata: {name: p}\nspec:\n  v: abc\n  b: |\n    text\n';
    expect(fixed(text, { kind: 'set-value', field: 'spec.v', value: 'true' })).toBe(text.replace('v: abc', 'v: "true"'));
    expect(fixed(text, { kind: 'set-value', field: 'spec.v', value: 'abc' })).toBeUndefined();
    expect(fixed(text, { kind: 'set-value', field: 'spec.b', value: 'x' })).toBeUndefined();
    expect(fixed(text, { kind: 'set-value', field: 'spec.missing', value: 'x' })).toBeUndefined();
    expect(fixed('kind: X\nmetadata: {name: p\n', { kind: 'set-value', field: 'kind', value: 'Y' })).toBeUndefined();
  });

  it('property: any method list in any quoting style gets a replacement that reads back exactly as intended', () => {
    const style = fc.constantFrom<(s: string) => string>((s) => s, (s) => JSON.stringify(s), (s) => `'${s}'`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/).filter((s) => !YAML11_WORDS.has(s)), style), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.nat(), fc.stringMatching(/^[A-Za-z0-9 '"#:-]{1,12}$/), (items, flow, pick, value) => {
        const i = pick % items.length;
        const written = items.map(([s, quote]) => quote(s));
        const list = flow ? ` [${written.join(', ')}]` : `\n${written.map((w) => `    - ${w}`).join('\n')}`;
        const text = `kind: X\nmetadata:\n  name: p\nspec:\n  methods:${list}\n`;
        const out = fixed(text, { kind: 'set-value', field: `spec.methods[${i}]`, value });
        if (value === items[i]![0]) return out === undefined;
        expect(out).toBeDefined();
        const methods = (parse(out!) as { spec: { methods: string[] } }).spec.methods;
        expect(methods).toEqual(items.map(([s], j) => (j === i ? value : s)));
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
