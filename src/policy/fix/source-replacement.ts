// A mechanical edit as a replacement of the exact text of a YAML or JSON file (what Gerrit's fix
// suggestions carry: a range of 1-based lines and 0-based characters, end exclusive, and the new text).
// The node is found with the yaml library's source ranges; quoting style, indentation and comments are
// kept. No replacement is returned unless it is proven: the file with the replacement applied is parsed
// again by gic's own reader and must give exactly the edited document, every other document unchanged and
// no new parse problem. Pure (the last file read is remembered, so several fixes in one file parse it once).
import { isMap, isPair, isScalar, isSeq, type Node, parseAllDocuments, Scalar } from 'yaml';

import { parseFieldPath } from '../parse/field-path.js';
import { parseDocuments } from '../parse/parse-documents.js';
import type { ParseResult } from '../parse/parsed-document.js';
import { applyEditToValue, type MechanicalEdit } from './mechanical-edit.js';
import { sameJson } from './same-json.js';

export interface TextRange {
  /** 1-based. */
  readonly start_line: number;
  /** 0-based, in UTF-16 code units (as Gerrit counts). */
  readonly start_character: number;
  readonly end_line: number;
  /** Exclusive. */
  readonly end_character: number;
}

export interface SourceReplacement {
  readonly range: TextRange;
  readonly replacement: string;
}

const MAX_LIST_DEPTH = 4;

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** The document nodes in the order gic's reader numbers documents: List kinds expanded into their items. */
function documentNodes(text: string): Node[] {
  const out: Node[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (!isMap(node)) return;
    const kind = scalarValue(node.get('kind', true));
    const items = node.get('items', true);
    if (typeof kind === 'string' && kind.endsWith('List') && isSeq(items) && depth < MAX_LIST_DEPTH) {
      for (const item of items.items) if (item !== null && !(isScalar(item) && item.value === null)) visit(item, depth + 1);
      return;
    }
    out.push(node);
  };
  for (const doc of parseAllDocuments(text, { keepSourceTokens: false, uniqueKeys: false })) {
    if (!('contents' in doc) || doc.errors.length > 0) return [];
    visit(doc.contents, 0);
  }
  return out;
}

/** The last file read: a review asks for several fixes in one file in a row. */
let lastRead: { readonly text: string; readonly file: string; readonly nodes: Node[]; readonly before: ParseResult } | undefined;

function readOnce(text: string, file: string): { nodes: Node[]; before: ParseResult } {
  if (lastRead?.text !== text || lastRead.file !== file) lastRead = { text, file, nodes: documentNodes(text), before: parseDocuments(text, file) };
  return lastRead;
}

/** The node at `path` under `root` and the pair holding it when it is a map value. */
function nodeAt(root: Node, path: readonly (string | number)[]): { node: unknown; parent: unknown; pair: unknown } | undefined {
  let node: unknown = root;
  let parent: unknown;
  let pair: unknown;
  for (const segment of path) {
    parent = node;
    if (isMap(node) && typeof segment === 'string') {
      pair = node.items.find((p) => isPair(p) && scalarValue(p.key) === segment);
      if (pair === undefined || !isPair(pair)) return undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      pair = undefined;
      node = node.items[segment];
    } else {
      return undefined;
    }
    if (node === undefined || node === null) return undefined;
  }
  return { node, parent, pair };
}

const PLAIN_SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_./:@*-]*$/;

/**
 * `value` written in the style of `like` (a scalar of the file), most faithful first: a plain scalar
 * may read back as another type (`true`, `1e3`, `null`), so a double-quoted one follows it. Empty for
 * block scalars, which are not edited.
 */
function renderings(value: string | number, like: Scalar): string[] {
  const quoted = JSON.stringify(String(value));
  switch (like.type) {
    case Scalar.QUOTE_DOUBLE:
      return [quoted];
    case Scalar.QUOTE_SINGLE:
      return [`'${String(value).replace(/'/g, "''")}'`];
    case Scalar.PLAIN:
      return PLAIN_SAFE.test(String(value)) ? [String(value), quoted] : [quoted];
    default:
      return [];
  }
}

function rangeOf(text: string, from: number, to: number): TextRange {
  const position = (offset: number): { line: number; character: number } => {
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { line, character: offset - lineStart };
  };
  const start = position(from);
  const end = position(to);
  return { start_line: start.line, start_character: start.character, end_line: end.line, end_character: end.character };
}

interface TextEdit {
  readonly from: number;
  readonly to: number;
  readonly replacement: string;
}

/** The candidate text edits for `edit` on `document`, most faithful to the file's style first. */
function textEdits(text: string, document: Node, edit: MechanicalEdit): TextEdit[] {
  const path = parseFieldPath(edit.field);
  const found = path.length === 0 ? undefined : nodeAt(document, path);
  if (found === undefined) return [];
  switch (edit.kind) {
    case 'set-value': {
      const node = found.node;
      if (!isScalar(node) || node.range === undefined || node.range === null) return [];
      const [from, to] = node.range;
      return renderings(edit.value, node).map((replacement) => ({ from, to, replacement }));
    }
    case 'rename-key': {
      const key = isPair(found.pair) ? found.pair.key : undefined;
      if (!isScalar(key) || key.range === undefined || key.range === null) return [];
      const [from, to] = key.range;
      return renderings(edit.key, key).map((replacement) => ({ from, to, replacement }));
    }
    case 'insert-after': {
      const node = found.node;
      if (!isSeq(found.parent) || !isScalar(node) || node.range === undefined || node.range === null) return [];
      const [from, to] = node.range;
      const items = renderings(edit.value, node);
      if (found.parent.flow === true) return items.map((item) => ({ from, to, replacement: `${text.slice(from, to)}, ${item}` }));
      // A block sequence: a new `- item` line under this item's dash, after the rest of its line
      // (a trailing comment stays with the item it belongs to).
      const lineStart = text.lastIndexOf('\n', from - 1) + 1;
      const dash = text.slice(lineStart, from).search(/-\s+$/);
      if (dash < 0 || text.slice(lineStart, lineStart + dash).trim() !== '') return [];
      let lineEnd = text.indexOf('\n', to);
      if (lineEnd < 0) lineEnd = text.length;
      if (text[lineEnd - 1] === '\r') lineEnd--;
      const eol = text[lineEnd] === '\r' ? '\r\n' : '\n';
      return items.map((item) => ({ from, to: lineEnd, replacement: `${text.slice(from, lineEnd)}${eol}${' '.repeat(dash)}- ${item}` }));
    }
  }
}

/**
 * The replacement that performs `edit` on document `index` of `text` (gic's numbering: List items
 * counted), proven by parsing the result; undefined when the edit cannot be made or proven.
 */
export function sourceReplacement(text: string, file: string, index: number, edit: MechanicalEdit): SourceReplacement | undefined {
  const { nodes, before } = readOnce(text, file);
  const document = nodes[index];
  if (document === undefined) return undefined;
  const candidates = textEdits(text, document, edit);
  if (candidates.length === 0) return undefined;
  const expected = before.documents[index] === undefined ? undefined : applyEditToValue(before.documents[index].value, edit);
  if (expected === undefined) return undefined;
  const proven = candidates.find((change) => {
    const after = parseDocuments(`${text.slice(0, change.from)}${change.replacement}${text.slice(change.to)}`, file);
    if (after.documents.length !== before.documents.length || after.findings.length > before.findings.length) return false;
    return after.documents.every((d, i) => sameJson(d.value, i === index ? expected : before.documents[i]!.value));
  });
  return proven === undefined ? undefined : { range: rangeOf(text, proven.from, proven.to), replacement: proven.replacement };
}
