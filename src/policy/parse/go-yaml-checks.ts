// What kubectl's decoder (sigs.k8s.io/yaml over go-yaml v2, then encoding/json) does with a parsed
// YAML document that the yaml library reads differently, applied to the yaml library's node tree:
//   - a scalar with an explicit standard tag (`!!int "0777"`, `!!bool x`, `!!binary aGk=`) resolves
//     as go-yaml v2 resolves it, or the document fails (`cannot decode !!str \`x\` as a !!bool`);
//   - a null map key (`~: x`) or a collection as a key (`[80]: x`) fails the conversion to JSON;
//   - in a double-quoted scalar, `\/` is an unknown escape and `\uD800`-`\uDFFF` an invalid code point;
//     `\'` is an apostrophe (go-yaml v2 accepts it, YAML 1.2 does not: see acceptedApostropheEscapes);
//   - a NaN or infinite number cannot be written as JSON: the whole document fails.
// Findings carry the offset they concern; the caller turns them into yaml.syntax findings.
import { isAlias, isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';

import { resolveGoYamlTagged } from './go-yaml-scalars.js';

export interface GoYamlProblem {
  readonly offset: number;
  readonly message: string;
}

const QUOTE_DOUBLE = Scalar.QUOTE_DOUBLE;

/** Escape problems of one double-quoted scalar's raw text (quotes included), from `start`. */
function escapeProblems(raw: string, start: number, out: GoYamlProblem[]): void {
  for (let i = raw.indexOf('\\'); i >= 0; i = raw.indexOf('\\', i + 2)) {
    const c = raw[i + 1];
    if (c === '/') out.push({ offset: start + i, message: 'found unknown escape character \\/ in a double-quoted scalar (go-yaml v2, used by kubectl, has no \\/ escape: write / )' });
    else if (c === 'u' || c === 'U') {
      const hex = raw.slice(i + 2, i + 2 + (c === 'u' ? 4 : 8));
      const code = /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : undefined;
      if (code !== undefined && ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)) out.push({ offset: start + i, message: `found invalid Unicode character escape code \\${c}${hex}` });
    }
  }
}

/**
 * Walks a document's nodes: reports what kubectl's decoder rejects and sets tagged scalars to the
 * value it reads. `text` is the chunk the node ranges point into.
 */
export function checkGoYamlNodes(root: Node | null, text: string): GoYamlProblem[] {
  const out: GoYamlProblem[] = [];
  const seen = new Set<Node>();
  const visit = (node: unknown): void => {
    if (node === null || node === undefined || isAlias(node)) return;
    if (seen.has(node as Node)) return;
    seen.add(node as Node);
    if (isScalar(node)) {
      const range = node.range ?? undefined;
      const offset = range?.[0] ?? 0;
      if (node.type === QUOTE_DOUBLE && range !== undefined) escapeProblems(text.slice(range[0], range[1]), range[0], out);
      if (node.tag !== undefined && typeof node.source === 'string') {
        const r = resolveGoYamlTagged(node.tag, node.source);
        if ('error' in r) out.push({ offset, message: r.error });
        else node.value = r.value;
      }
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const at = (key as { range?: [number, number] } | null)?.range?.[0] ?? node.range?.[0] ?? 0;
        if (key !== null && (isMap(key) || isSeq(key))) out.push({ offset: at, message: 'invalid map key: a mapping or a sequence cannot be a key in Kubernetes YAML' });
        else if (key === null || (isScalar(key) && key.value === null)) out.push({ offset: at, message: 'unsupported map key: null (kubectl converts keys to JSON strings and has none for null)' });
        visit(key);
        visit(pair.value);
      }
      return;
    }
    if (isSeq(node)) for (const item of node.items) visit(item);
  };
  visit(root);
  return out;
}

/** The first number of a value that JSON cannot hold (NaN, +-Infinity), as Go's json.Marshal names it. */
export function unsupportedJsonNumber(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  if (depth > 200 || value === null || typeof value !== 'object') return undefined;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    const bad = unsupportedJsonNumber(v, depth + 1);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/**
 * go-yaml v2 reads `\'` in a double-quoted scalar as an apostrophe; the yaml library reports it as an
 * invalid escape. Given the library's errors, the text with those escapes written `\x27` (which both
 * read alike), or undefined when some other error remains.
 */
export function acceptedApostropheEscapes(text: string, errors: readonly { readonly code: string; readonly pos: readonly [number, number] }[]): string | undefined {
  if (errors.length === 0) return undefined;
  const offsets: number[] = [];
  for (const e of errors) {
    if (e.code !== 'BAD_DQ_ESCAPE' || text.slice(e.pos[0], e.pos[0] + 2) !== "\\'") return undefined;
    offsets.push(e.pos[0]);
  }
  offsets.sort((a, b) => b - a);
  let patched = text;
  for (const o of offsets) patched = `${patched.slice(0, o)}\\x27${patched.slice(o + 2)}`;
  return patched;
}
