// Differential test of the fast block-YAML path against the full yaml parser path of parseDocuments:
// random Kubernetes-like documents (tricky keys and scalars, every yaml.stringify style, then comments,
// blank lines, markers, duplicated, dropped, re-indented and corrupted lines) must give exactly the same
// documents (values with key order, prototypes, -0 and NaN; sources; the line of every field path) and
// the same findings, whether the fast path reads them or defers. The fast path must also actually be
// taken for most of them, or the comparison would prove nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify, type ToStringOptions } from 'yaml';

import { scanBlockYaml } from './block-yaml-scanner.js';
import { formatFieldPath, type PathSegment } from './field-path.js';
import { KUBE_YAML_SCHEMA } from './kube-yaml.js';
import { type ParseOptions, parseDocuments } from './parse-documents.js';
import type { ParseResult } from './parsed-document.js';
import { plainScalarResolver } from './plain-scalar.js';
import { splitDocuments } from './prescan.js';

const KEYS = [
  'apiVersion', 'kind', 'metadata', 'name', 'namespace', 'labels', 'annotations', 'spec', 'rules', 'from', 'to', 'when', 'source',
  'principals', 'ports', 'key', 'values', 'selector', 'matchLabels', 'items', 'action', 'istio.io/dry-run', 'app.kubernetes.io/name',
  'a b', 'on', 'Yes', 'true', 'null', '~', '1', '0x1', '1.5', '-a', '-', '__proto__', 'toString', 'constructor', '<<', 'a#b', 'a #b',
  'a:b', 'a: b', '"q"', "it's", '', ' lead', 'trail ', '[x]', '{y}', 'x,y', '?q', ':c', '@at', '`bt', '%p', '&a', '*a', '!t', '|', '>',
  'é', '日本', 'x😀', '---', '...', '- d', '#c', 'k'.repeat(1100), 'tab\tkey', 'new\nline', 'back\\slash',
];

const STRINGS = [
  'yes', 'No', 'ON', 'off', 'y', 'n', 'Y', 'N', 'True', 'FALSE', 'null', 'Null', 'NULL', '~', '', '0', '-1', '+1', '007', '0o17', '0x1F',
  '0xG', '1e3', '1E+3', '1.5', '.5', '5.', '-.inf', '.NaN', '.nan', '1_000', '12:30', '2026-11-25', 'http://a:80/x', 'a: b', 'a:b',
  'a #b', 'a# b', '- x', '-x', '--flag', '"', "'", "it's", '\\', '\\n', 'tab\there', 'line\nbreak', 'two\n\nlines', '  lead', 'trail  ',
  '/api/{*}/orders/{**}', '*', '*/status', '10.0.0.0/8', 'fd00::/8', '[a]', '{a: 1}', 'a, b', 'x]', 'x}', '?', '? x', ':', ': x', '@x',
  '`x', '%x', '&x', '*x', '!x', '|', '>', '#', 'é', 'ünïcödé', '日本語', 'x😀', '\u00a0nbsp', 'nel\u0085x', 'ls\u2028x', 'bell\u0007',
  'del\u007f', 'bom\ufeff', 'cluster.local/ns/a/sa/b', 'GET', 'STRICT', '"quoted"', "'single'", 'a\\"b', 'x'.repeat(200),
];

/** Strings as Kubernetes objects hold them: names, paths, principals, CIDRs, hosts. */
const usualString = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9./-]{0,15}$/), fc.stringMatching(/^[a-zA-Z0-9*/._:{}-]{1,20}$/), fc.constantFrom('GET', 'STRICT', '*', '10.0.0.0/8', 'cluster.local/ns/a/sa/b'));

const scalar = fc.oneof(
  { weight: 8, arbitrary: usualString },
  { weight: 2, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: -70000, max: 70000 }) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 60, -(2 ** 53) - 2, 1e21, 1.5e-7, -0, 0.1, Number.NaN, Number.POSITIVE_INFINITY) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

const key = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...KEYS.slice(0, 21)) }, { weight: 2, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });

const { value: kubeValue } = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('object'), tie('array')),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  array: fc.array(tie('value'), { maxLength: 4 }),
}));

const documentValue = fc.record({ apiVersion: fc.constantFrom('v1', 'security.istio.io/v1'), kind: fc.constantFrom('AuthorizationPolicy', 'Namespace', 'List', 'PodList'), rest: fc.dictionary(key, kubeValue, { maxKeys: 4 }) }).map(
  ({ apiVersion, kind, rest }) => ({ apiVersion, kind, ...rest }),
);

/** A List whose items are documents, as kubectl writes them. */
const listValue = fc.array(documentValue, { minLength: 1, maxLength: 3 }).map((items) => ({ apiVersion: 'v1', kind: 'List', items }));

const stringifyOptions: fc.Arbitrary<ToStringOptions & { merge?: boolean }> = fc.record({
  indent: fc.constantFrom(2, 2, 4, 1),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 0, 80, 20),
  minContentWidth: fc.constantFrom(0, 20),
  defaultStringType: fc.constantFrom('PLAIN', 'PLAIN', 'PLAIN', 'PLAIN', 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL') as fc.Arbitrary<'PLAIN'>,
  defaultKeyType: fc.constantFrom(null, null, 'PLAIN', 'QUOTE_DOUBLE') as fc.Arbitrary<null>,
  doubleQuotedAsJSON: fc.boolean(),
  nullStr: fc.constantFrom('null', '~', ''),
  flowCollectionPadding: fc.boolean(),
});

function render(value: unknown, options: ToStringOptions, kubeSchema: boolean): string {
  try {
    return stringify(value, { ...(kubeSchema ? KUBE_YAML_SCHEMA : { schema: 'core' as const }), aliasDuplicateObjects: false, ...options });
  } catch {
    return 'a: 1\n';
  }
}

type Edit = (lines: string[], at: number) => void;

const EDITS: Record<string, Edit> = {
  comment: (lines, at) => void lines.splice(at, 0, `${' '.repeat(at % 7)}# comment ${at}`),
  blank: (lines, at) => void lines.splice(at, 0, ' '.repeat(at % 3)),
  trailingComment: (lines, at) => void (lines[at] = `${lines[at]} # trailing`),
  trailingSpaces: (lines, at) => void (lines[at] = `${lines[at]}   `),
  duplicate: (lines, at) => void lines.splice(at, 0, lines[at]!),
  drop: (lines, at) => void lines.splice(at, 1),
  indentMore: (lines, at) => void (lines[at] = ` ${lines[at]}`),
  indentLess: (lines, at) => void (lines[at] = lines[at]!.replace(/^ {1,2}/, '')),
  marker: (lines, at) => void lines.splice(at, 0, at % 2 === 0 ? '---' : '...'),
  colonSpace: (lines, at) => void (lines[at] = lines[at]!.replace(': ', ':')),
  dash: (lines, at) => void (lines[at] = lines[at]!.replace(/^( *)/, '$1- ')),
  shift: (lines) => void lines.forEach((line, i) => (lines[i] = line === '' ? line : `  ${line}`)),
  cr: (lines, at) => void (lines[at] = `${lines[at]}\r`),
  tab: (lines, at) => void (lines[at] = lines[at]!.replace(' ', '\t')),
  anchor: (lines, at) => void (lines[at] = lines[at]!.replace(/: (\S)/, ': &x $1')),
  alias: (lines, at) => void (lines[at] = lines[at]!.replace(/: (\S.*)$/, ': *x')),
  flow: (lines, at) => void (lines[at] = lines[at]!.replace(/: (\S.*)$/, ': [$1, {b: 2}]')),
  emptyFlow: (lines, at) => void (lines[at] = lines[at]!.replace(/: (\S.*)$/, at % 2 === 0 ? ': {}' : ': []')),
  quote: (lines, at) => void (lines[at] = lines[at]!.replace(/: (\S.*)$/, ': "$1"')),
};

const edits = fc.array(fc.tuple(fc.constantFrom(...Object.keys(EDITS)), fc.nat()), { maxLength: 3 });

interface StreamCase {
  readonly docs: readonly unknown[];
  readonly options: ToStringOptions;
  readonly kubeSchema: boolean;
  readonly edits: readonly (readonly [string, number])[];
  readonly leadingMarker: boolean;
}

const stream: fc.Arbitrary<StreamCase> = fc.record({
  docs: fc.array(fc.oneof({ weight: 4, arbitrary: documentValue }, { weight: 1, arbitrary: listValue }), { minLength: 1, maxLength: 3 }),
  options: stringifyOptions,
  kubeSchema: fc.boolean(),
  edits,
  leadingMarker: fc.boolean(),
});

function textOf({ docs, options, kubeSchema, edits: changes, leadingMarker }: StreamCase): string {
  const lines = docs.map((doc) => render(doc, options, kubeSchema)).join('---\n').split('\n');
  for (const [name, position] of changes) {
    if (lines.length === 0) break;
    EDITS[name]!(lines, position % lines.length);
  }
  return `${leadingMarker ? '---\n' : ''}${lines.join('\n')}`;
}

function paths(value: unknown, prefix: PathSegment[] = [], out: string[] = []): string[] {
  out.push(formatFieldPath(prefix));
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const key of Object.keys(value)) paths((value as Record<string, unknown>)[key], [...prefix, key], out);
  return out;
}

/**
 * Where two parsed values differ (undefined when they do not): prototypes, own keys in order, and
 * primitives by Object.is (so -0 and NaN count). vitest's toStrictEqual cannot be used: it compares
 * `constructor` properties, which a document may define as keys.
 */
function difference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? undefined : `${at}: ${String(a)} vs ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Array.isArray(a) !== Array.isArray(b)) return `${at}: different types`;
  const keysA = Reflect.ownKeys(a);
  const keysB = Reflect.ownKeys(b);
  if (keysA.join('\0') !== keysB.join('\0')) return `${at}: keys ${JSON.stringify(keysA)} vs ${JSON.stringify(keysB)}`;
  for (const key of keysA) {
    const found = difference((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key], `${at}.${String(key)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function expectSame(fast: ParseResult, full: ParseResult): void {
  expect(fast.findings).toStrictEqual(full.findings);
  expect(fast.documents.length).toBe(full.documents.length);
  fast.documents.forEach((doc, i) => {
    const other = full.documents[i]!;
    expect(doc.index).toBe(other.index);
    expect(doc.source).toStrictEqual(other.source);
    expect(difference(doc.value, other.value)).toBeUndefined();
    for (const path of [...paths(doc.value), 'spec.absent[3].x', 'metadata.labels["not.there"]', 'items[99]']) expect([path, doc.lineOf(path)]).toStrictEqual([path, other.lineOf(path)]);
  });
}

/** Whether the fast scanner read every chunk of the text itself (no deferral). */
function fastReadsAll(text: string, yaml11Booleans: boolean, maxDepth: number): boolean {
  const resolver = plainScalarResolver(yaml11Booleans);
  for (const chunk of splitDocuments(text)) if (chunk.text.trim() !== '' && scanBlockYaml(chunk.text, chunk.line, resolver, maxDepth, false) === undefined) return false;
  return true;
}

describe('the fast block-YAML path is indistinguishable from the full parser', () => {
  it('on random Kubernetes-like streams in every stringify style, edited and corrupted', () => {
    let cases = 0;
    let fastCases = 0;
    fc.assert(
      fc.property(stream, fc.boolean(), fc.constantFrom(64, 64, 3, 4, 6), (input, yaml11Booleans, maxDepth) => {
        const text = textOf(input);
        const options: ParseOptions = { yaml11Booleans, maxDepth };
        expectSame(parseDocuments(text, 'd.yaml', options), parseDocuments(text, 'd.yaml', { ...options, fastPath: false }));
        cases++;
        if (fastReadsAll(text, yaml11Booleans, maxDepth)) fastCases++;
      }),
      { numRuns: 1500 },
    );
    // Most generated streams are plain block YAML: the fast path must have read a good share whole.
    expect(fastCases / cases).toBeGreaterThan(0.1);
  });

  it('on unedited plain-style documents, which the fast path must read itself', () => {
    const plainStrings = fc.stringMatching(/^[a-z][a-z0-9./-]{0,15}$/);
    const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[] }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, plainStrings, fc.integer(), fc.boolean(), fc.constantFrom('yes', 'off', '*', '10.0.0.0/8', '/api/{*}'), tie('object'), tie('array')),
      object: fc.dictionary(fc.constantFrom(...KEYS.slice(0, 21)), tie('value'), { maxKeys: 5 }),
      array: fc.array(tie('value'), { maxLength: 4 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS.slice(0, 21)), value, { minKeys: 1, maxKeys: 5 }), fc.boolean(), fc.constantFrom(2, 4), (doc, indentSeq, indent) => {
        const text = stringify(doc, { ...KUBE_YAML_SCHEMA, indentSeq, indent, lineWidth: 0, aliasDuplicateObjects: false });
        expect(fastReadsAll(text, true, 64)).toBe(true);
        expectSame(parseDocuments(text, 'p.yaml'), parseDocuments(text, 'p.yaml', { fastPath: false }));
      }),
      { numRuns: 500 },
    );
  });
});
