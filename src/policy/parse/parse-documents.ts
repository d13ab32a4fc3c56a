// Multi-document YAML (and JSON, a subset of YAML) -> plain values with a field-path -> line map,
// read as kubectl reads it (kube-yaml.ts: YAML 1.1 booleans, merge keys).
// `kind: List` (and `*List` with `items`) documents are expanded into their items. Malformed or hostile
// input becomes findings with file and line, never an exception, a hang or unbounded memory: sizes,
// nesting, aliases, document and finding counts are bounded by ParseLimits (parameters, not globals).
// Speed: block-style documents (nearly all Kubernetes YAML) are read by block-yaml-scanner.ts, whose
// line tree is built only on a document's first `lineOf` call; anything else goes to the yaml library,
// which the scanner is held equal to (block-yaml-scanner.differential.test.ts). JSON has scan-json.ts.
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';

import { expandedNodeCount } from './alias-expansion.js';
import { scanBlockYaml } from './block-yaml-scanner.js';
import { acceptedApostropheEscapes, checkGoYamlNodes, unsupportedJsonNumber } from './go-yaml-checks.js';
import { type LineBranch, type LineNode, lineOfNode, lookupLine } from './line-tree.js';
import { PARSE_RULES, type ParseLimits, resolveParseLimits } from './parse-limits.js';
import type { ParsedDocument, ParseFinding, ParseResult } from './parsed-document.js';
import { plainScalarResolver } from './plain-scalar.js';
import { findBinary, findExcessDepth, kubeChunkProblem, splitDocuments, splitKubeDocuments, type TextChunk } from './prescan.js';
import { KUBE_YAML_SCHEMA, YAML12_SCHEMA } from './kube-yaml.js';
import { JsonDepthError, scanJson } from './scan-json.js';
import { splitList } from './split-list.js';

export { DEFAULT_PARSE_LIMITS, PARSE_RULES, type ParseLimits } from './parse-limits.js';

/** Limits plus how scalars resolve. */
export interface ParseOptions extends Partial<ParseLimits> {
  /**
   * Read `y|yes|on|n|no|off` (and their Title/UPPER forms) as booleans, as kubectl and istioctl do
   * (go.yaml.in/yaml/v2 resolve.go). Default true; false reads them as strings (YAML 1.2 core).
   */
  readonly yaml11Booleans?: boolean;
  /**
   * Read block-style documents with the fast scanner (block-yaml-scanner.ts), which gives the same
   * values, lines and findings as the full yaml parser or defers to it. Default true; false always
   * uses the full parser (for differential tests and comparisons).
   */
  readonly fastPath?: boolean;
}

class FindingSink {
  readonly findings: ParseFinding[] = [];
  private dropped = 0;
  /** Error-level findings added so far, kept or dropped. */
  errors = 0;
  constructor(
    private readonly file: string,
    private readonly maxFindings: number,
  ) {}
  add(rule: string, level: 'error' | 'warning', line: number, column: number, message: string): void {
    if (level === 'error') this.errors++;
    if (this.findings.length >= this.maxFindings) {
      this.dropped++;
      return;
    }
    this.findings.push({ rule, level, file: this.file, line: Math.max(1, line), column: Math.max(1, column), message });
  }
  /** Counts `count` findings left out without building them (they would be dropped anyway). */
  skip(count: number): void {
    this.dropped += count;
  }
  get max(): number {
    return this.maxFindings;
  }
  /** The findings in file order (line, then column; stable), then the note on any left out. */
  finish(): ParseFinding[] {
    this.findings.sort((a, b) => a.line - b.line || a.column - b.column);
    if (this.dropped > 0) {
      const last = this.findings[this.findings.length - 1];
      this.findings.push({ rule: PARSE_RULES.findings, level: 'error', file: this.file, line: last?.line ?? 1, column: 1, message: `${this.dropped} more findings in this file were left out` });
    }
    return this.findings;
  }
}

function isJsonText(text: string, file: string): boolean {
  if (/\.json$/i.test(file)) return true;
  const first = /\S/.exec(text);
  return first !== null && (first[0] === '{' || first[0] === '[');
}

/** 1-based line and column of an offset in `text`. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** JSON.parse's own message and position, for `.json` input the YAML parser rejected. */
function jsonError(text: string): { message: string; offset?: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /at position (\d+)/.exec(message);
    return { message: `invalid JSON: ${message.replace(/\s*\(line \d+ column \d+\)$/, '')}`, ...(at === null ? {} : { offset: Number(at[1]) }) };
  }
}

interface TreeContext {
  readonly counter: LineCounter;
  readonly lineOffset: number;
  readonly maxDepth: number;
  readonly sink: FindingSink;
  tooDeep: boolean;
  /** Set for kubectl's reading: resolves aliases so that merged keys count as keys (go-yaml v2 strict). */
  readonly doc?: Document.Parsed;
}

const isMergeKey = (key: Node | null): boolean => isScalar(key) && key.type === 'PLAIN' && key.source === '<<';

/** The keys a merge source (`<< : *a`, `<<: {..}`, `<<: [*a, *b]`) brings, with their own merges. */
function mergedKeys(source: unknown, doc: Document.Parsed, depth: number): string[] {
  if (depth > 20) return [];
  const node = isAlias(source) ? source.resolve(doc) : source;
  if (isSeq(node)) return node.items.flatMap((item) => mergedKeys(item, doc, depth + 1));
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => (isMergeKey(pair.key as Node | null) ? mergedKeys(pair.value, doc, depth + 1) : isScalar(pair.key) ? [String(pair.key.value)] : []));
}

function lineAt(ctx: TreeContext, offset: number): number {
  return ctx.counter.linePos(offset).line + ctx.lineOffset;
}

/** Builds the line tree of a node (not following aliases) and reports duplicate keys and excess depth. */
function buildTree(node: Node, line: number, depth: number, ctx: TreeContext): LineNode {
  if (!isMap(node) && !isSeq(node)) return line;
  if (depth > ctx.maxDepth) {
    ctx.tooDeep = true;
    return line;
  }
  if (isMap(node)) {
    const keys = new Map<string, LineNode>();
    // go-yaml v2's strict decoding (kubectl, istioctl): a key set both by a merge and otherwise, or by
    // two merged maps, is a duplicate too; merges do not override.
    const merged = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode)) continue;
      const keyLine = keyNode.range ? lineAt(ctx, keyNode.range[0]) : line;
      const pos = keyNode.range ? ctx.counter.linePos(keyNode.range[0]) : { col: 1 };
      if (isMergeKey(keyNode)) {
        if (ctx.doc === undefined) continue;
        for (const k of mergedKeys(pair.value, ctx.doc, 0)) {
          if (keys.has(k) || merged.has(k)) ctx.sink.add(PARSE_RULES.duplicateKey, 'error', keyLine, pos.col, `duplicate key "${k}": it is already set in this map, and kubectl's strict reading does not let a merge (<<) override it`);
          merged.add(k);
        }
        continue;
      }
      const key = String(keyNode.value);
      if (keys.has(key) || merged.has(key)) {
        ctx.sink.add(PARSE_RULES.duplicateKey, 'error', keyLine, pos.col, merged.has(key) && !keys.has(key) ? `duplicate key "${key}": a merge (<<) already set it, and kubectl's strict reading does not let it be overridden` : `duplicate key "${key}" (the last value wins)`);
      }
      const value = pair.value as Node | null;
      keys.set(key, value !== null && !isAlias(value) && (isMap(value) || isSeq(value)) ? buildTree(value, keyLine, depth + 1, ctx) : keyLine);
    }
    return { line, keys } satisfies LineBranch;
  }
  const items: LineNode[] = [];
  for (const item of node.items) {
    const child = item as Node | null;
    const childLine = child?.range ? lineAt(ctx, child.range[0]) : line;
    items.push(child !== null && !isAlias(child) ? buildTree(child, childLine, depth + 1, ctx) : childLine);
  }
  return { line, items } satisfies LineBranch;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isListKind(value: Record<string, unknown>): boolean {
  return typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items']);
}

interface Emit {
  readonly file: string;
  readonly documents: ParsedDocument[];
  readonly sink: FindingSink;
  readonly maxDocuments: number;
  readonly yaml11Booleans: boolean;
  readonly fastPath: boolean;
  limitReported: boolean;
}

function pushDocument(emit: Emit, value: Record<string, unknown>, line: number, column: number, lineOf: (fieldPath: string) => number): void {
  if (emit.documents.length >= emit.maxDocuments) {
    if (!emit.limitReported) emit.sink.add(PARSE_RULES.documents, 'error', line, 1, `more than ${emit.maxDocuments} documents; the rest of the file is ignored`);
    emit.limitReported = true;
    return;
  }
  emit.documents.push({ file: emit.file, index: emit.documents.length, source: { file: emit.file, line, column }, value, lineOf });
}

/** Emits an object document, expanding List kinds (recursively) into their items. */
function emitValue(emit: Emit, value: unknown, tree: LineNode, column: number, listDepth: number): void {
  if (!isObject(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    emit.sink.add(PARSE_RULES.notObject, 'error', lineOfNode(tree), column, `expected an object (a Kubernetes resource), found ${what}; ignored`);
    return;
  }
  if (isListKind(value) && listDepth < 4) {
    const items = value['items'] as unknown[];
    const itemTrees = typeof tree === 'number' ? undefined : tree.keys?.get('items');
    items.forEach((item, i) => {
      const itemTree = itemTrees === undefined || typeof itemTrees === 'number' ? itemTrees : itemTrees.items?.[i];
      if (item === null || item === undefined) return;
      emitValue(emit, item, itemTree ?? tree, 1, listDepth + 1);
    });
    return;
  }
  pushDocument(emit, value, lineOfNode(tree), column, (fieldPath) => lookupLine(tree, fieldPath));
}

/**
 * The fast path: a block-style document read by block-yaml-scanner.ts. Its line tree is built only
 * when a caller first asks for a line (most documents never produce a finding), by scanning the same
 * text again. False when the scanner defers to the full parser.
 */
function readBlockYaml(chunk: TextChunk, limits: ParseLimits, emit: Emit): boolean {
  const resolver = plainScalarResolver(emit.yaml11Booleans);
  const scanned = scanBlockYaml(chunk.text, chunk.line, resolver, limits.maxDepth, false, emit.sink.max);
  if (scanned === undefined) return false;
  for (const d of scanned.duplicateKeys) emit.sink.add(PARSE_RULES.duplicateKey, 'error', d.line, d.column, `duplicate key "${d.key}" (the last value wins)`);
  emit.sink.skip(scanned.moreDuplicateKeys);
  const nonJson = emit.yaml11Booleans ? unsupportedJsonNumber(scanned.value) : undefined;
  if (nonJson !== undefined) {
    emit.sink.add(PARSE_RULES.syntax, 'error', scanned.line, scanned.column, unsupportedNumberMessage(nonJson));
    return true;
  }
  if (isListKind(scanned.value)) {
    const withTree = scanBlockYaml(chunk.text, chunk.line, resolver, limits.maxDepth, true);
    emitValue(emit, withTree?.value ?? scanned.value, withTree?.tree ?? scanned.line, scanned.column, 0);
    return true;
  }
  const text = chunk.text;
  let tree: LineNode | undefined;
  const lineOf = (fieldPath: string): number => {
    tree ??= scanBlockYaml(text, chunk.line, resolver, limits.maxDepth, true)?.tree ?? scanned.line;
    return lookupLine(tree, fieldPath);
  };
  pushDocument(emit, scanned.value, scanned.line, scanned.column, lineOf);
  return true;
}

const EMPTY_CHUNK = /^(?:(?:(?:---|\.\.\.)(?=[ \t\r\n]|$)|%[^\n]*)?[ \t]*(?:#[^\n]*)?\r?(?:\n|$))*$/;

function parseChunk(whole: TextChunk, json: boolean, limits: ParseLimits, emit: Emit): void {
  const schema = emit.yaml11Booleans ? KUBE_YAML_SCHEMA : YAML12_SCHEMA;
  const { sink } = emit;
  const binary = findBinary(whole.text);
  if (binary >= 0) {
    const pos = positionOf(whole.text, binary);
    sink.add(PARSE_RULES.binary, 'error', whole.line + pos.line - 1, pos.column, 'binary data (NUL byte or invalid UTF-8) is not YAML; document ignored');
    return;
  }
  let chunk = whole;
  // kubectl's chunks (splitKubeDocuments): directives and empty `...` documents fail, and go-yaml v2
  // reads only the first document of a chunk.
  if (emit.yaml11Booleans && !startsLikeJson(whole.text)) {
    const problem = kubeChunkProblem(whole.text);
    if (problem !== undefined && 'message' in problem) {
      sink.add(PARSE_RULES.syntax, 'error', whole.line + problem.line - 1, 1, `${problem.message}; document ignored`);
      return;
    }
    if (problem !== undefined) chunk = { ...whole, text: whole.text.slice(0, problem.end) };
  }
  // Markers, directives, comments and blank lines only: nothing to parse.
  if (chunk.text.length < 4096 && EMPTY_CHUNK.test(chunk.text)) return;
  if (startsLikeJson(chunk.text) && readJson(chunk, limits, emit)) return;
  if (chunk.text.length > limits.maxDocumentSize) {
    // A List too large to parse whole is read item by item when kubectl's layout allows it.
    const split = splitList(chunk);
    if (split !== undefined && split.envelope.text.length <= limits.maxDocumentSize && isListEnvelope(split.envelope.text, limits, schema)) {
      const documentsBefore = emit.documents.length;
      const errorsBefore = sink.errors;
      for (const item of split.items) parseChunk(item, json, limits, emit);
      // The List is one document: an error in any item drops all of it, as a whole parse would.
      if (sink.errors > errorsBefore) emit.documents.length = documentsBefore;
      return;
    }
    sink.add(PARSE_RULES.documentSize, 'error', chunk.line, 1, `document of ${chunk.text.length} characters exceeds the limit of ${limits.maxDocumentSize}; ignored`);
    return;
  }
  // The fast path accepts only documents the depth pre-scan passes (collections nest < maxDepth deep).
  if (emit.fastPath && readBlockYaml(chunk, limits, emit)) return;
  const excess = findExcessDepth(chunk.text, limits.maxDepth);
  if (excess !== undefined) {
    sink.add(PARSE_RULES.depth, 'error', chunk.line + excess.line - 1, 1, `nesting deeper than ${limits.maxDepth} levels; document ignored`);
    return;
  }
  let counter = new LineCounter();
  let docs: Document.Parsed[];
  let text = chunk.text;
  try {
    docs = parseAllDocuments(text, { ...schema, lineCounter: counter, uniqueKeys: false, prettyErrors: false, stringKeys: false, logLevel: 'error' }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [];
    // kubectl's decoder (go-yaml v2) reads `\'` in double quotes as an apostrophe: parse that way.
    const patched = emit.yaml11Booleans ? acceptedApostropheEscapes(text, docs.flatMap((d) => d.errors)) : undefined;
    if (patched !== undefined) {
      text = patched;
      counter = new LineCounter();
      docs = parseAllDocuments(text, { ...schema, lineCounter: counter, uniqueKeys: false, prettyErrors: false, stringKeys: false, logLevel: 'error' }) as Document.Parsed[];
      if (!Array.isArray(docs)) docs = [];
    }
  } catch (error) {
    sink.add(PARSE_RULES.syntax, 'error', chunk.line, 1, `cannot parse: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const lineOffset = chunk.line - 1;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const explained = jsonFallback(chunk, doc, counter, lineOffset, isJsonChunk(chunk, emit.file, json));
      if (explained !== undefined) {
        sink.add(PARSE_RULES.syntax, 'error', explained.line, explained.column, explained.message);
        continue;
      }
      for (const error of doc.errors) {
        const pos = counter.linePos(error.pos[0]);
        sink.add(PARSE_RULES.syntax, 'error', pos.line + lineOffset, pos.col, error.message.split('\n')[0] ?? error.message);
      }
      continue;
    }
    const contents = doc.contents as Node | null;
    if (contents === null) continue;
    const start = counter.linePos(contents.range?.[0] ?? 0);
    const ctx: TreeContext = { counter, lineOffset, maxDepth: limits.maxDepth, sink, tooDeep: false, ...(emit.yaml11Booleans ? { doc } : {}) };
    const tree = buildTree(contents, start.line + lineOffset, 0, ctx);
    if (ctx.tooDeep) {
      sink.add(PARSE_RULES.depth, 'error', start.line + lineOffset, start.col, `nesting deeper than ${limits.maxDepth} levels; document ignored`);
      continue;
    }
    // What kubectl's decoder rejects or reads otherwise (go-yaml-checks.ts); the document is not applied.
    const problems = emit.yaml11Booleans ? checkGoYamlNodes(contents, text) : [];
    if (problems.length > 0) {
      for (const p of problems) {
        const at = counter.linePos(p.offset);
        sink.add(PARSE_RULES.syntax, 'error', at.line + lineOffset, at.col, `${p.message}; document ignored`);
      }
      continue;
    }
    const expansion = expandedNodeCount(contents, doc, limits.maxAliasExpansion);
    if (expansion.kind === 'exceeded') {
      sink.add(PARSE_RULES.aliases, 'error', start.line + lineOffset, start.col, `aliases expand the document to more than ${limits.maxAliasExpansion} nodes; document ignored`);
      continue;
    }
    if (expansion.kind === 'cycle') {
      const at = counter.linePos(expansion.offset);
      sink.add(PARSE_RULES.syntax, 'error', at.line + lineOffset, at.col, `anchor "${expansion.anchor}" value contains itself (the alias is inside the node it names); document ignored`);
      continue;
    }
    let value: unknown;
    try {
      // The expansion is bounded above, so the yaml library's own alias budget is not needed.
      value = doc.toJS({ maxAliasCount: -1 });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A merge key `<<` whose value is not a map is reported where the offending merge key is.
      const merge = firstMergeKey(contents);
      const at = merge === undefined ? start : counter.linePos(merge);
      sink.add(PARSE_RULES.syntax, 'error', at.line + lineOffset, at.col, `${message}; document ignored`);
      continue;
    }
    if (value === null || value === undefined) continue;
    const nonJson = emit.yaml11Booleans ? unsupportedJsonNumber(value) : undefined;
    if (nonJson !== undefined) {
      sink.add(PARSE_RULES.syntax, 'error', start.line + lineOffset, start.col, unsupportedNumberMessage(nonJson));
      continue;
    }
    emitValue(emit, value, tree, start.col, 0);
  }
}

function unsupportedNumberMessage(which: string): string {
  return `the document holds ${which === 'NaN' ? '.nan' : which === '+Inf' ? '.inf' : '-.inf'}, which kubectl cannot convert to JSON (json: unsupported value: ${which}); document ignored`;
}

/** Offset of the first merge key (`<<`) in a node tree, depth first. */
function firstMergeKey(node: unknown): number | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && (pair.key.source === '<<' || pair.key.value === '<<')) return pair.key.range?.[0];
      const inner = firstMergeKey(pair.value);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = firstMergeKey(item);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function startsLikeJson(text: string): boolean {
  const first = /\S/.exec(text);
  return first !== null && (first[0] === '{' || first[0] === '[');
}

/** The strict-JSON fast path; false when the text is not strict JSON (the YAML path then reads it). */
function readJson(chunk: TextChunk, limits: ParseLimits, emit: Emit): boolean {
  let scanned: ReturnType<typeof scanJson>;
  try {
    scanned = scanJson(chunk.text, chunk.line, limits.maxDepth);
  } catch (error) {
    if (!(error instanceof JsonDepthError)) throw error;
    emit.sink.add(PARSE_RULES.depth, 'error', error.line, 1, `nesting deeper than ${limits.maxDepth} levels; document ignored`);
    return true;
  }
  if (scanned === undefined) return false;
  // Values cost little memory here, so only a List may exceed the per-document limit.
  if (chunk.text.length > limits.maxDocumentSize && !(isObject(scanned.value) && isListKind(scanned.value))) {
    emit.sink.add(PARSE_RULES.documentSize, 'error', chunk.line, 1, `document of ${chunk.text.length} characters exceeds the limit of ${limits.maxDocumentSize}; ignored`);
    return true;
  }
  for (const d of scanned.duplicateKeys) emit.sink.add(PARSE_RULES.duplicateKey, 'error', d.line, d.column, `duplicate key "${d.key}" (the last value wins)`);
  emitValue(emit, scanned.value, scanned.tree, scanned.column, 0);
  return true;
}

/** The envelope of a split List parses alone to an object of a `*List` kind. */
function isListEnvelope(text: string, limits: ParseLimits, schema: typeof KUBE_YAML_SCHEMA | typeof YAML12_SCHEMA): boolean {
  if (findExcessDepth(text, limits.maxDepth) !== undefined) return false;
  try {
    const docs = parseAllDocuments(text, { ...schema, logLevel: 'silent' });
    if (!Array.isArray(docs) || docs.length !== 1 || docs[0]!.errors.length > 0) return false;
    const contents = docs[0]!.contents as Node | null;
    if (contents === null || expandedNodeCount(contents, docs[0]!, limits.maxAliasExpansion).kind !== 'ok') return false;
    const value: unknown = docs[0]!.toJS({ maxAliasCount: -1 });
    return isObject(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List');
  } catch {
    return false;
  }
}

function isJsonChunk(chunk: TextChunk, file: string, json: boolean): boolean {
  return json || isJsonText(chunk.text, file);
}

/** For JSON input, JSON.parse explains errors better than a YAML parser; undefined when not JSON. */
function jsonFallback(chunk: TextChunk, doc: Document.Parsed, counter: LineCounter, lineOffset: number, json: boolean): { line: number; column: number; message: string } | undefined {
  if (!json) return undefined;
  const error = jsonError(chunk.text);
  if (error === undefined) return undefined;
  if (error.offset !== undefined) {
    const pos = positionOf(chunk.text, error.offset);
    return { line: pos.line + lineOffset, column: pos.column, message: error.message };
  }
  const first = doc.errors[0];
  const pos = counter.linePos(first?.pos[0] ?? 0);
  return { line: pos.line + lineOffset, column: pos.col, message: error.message };
}

/** Parses every document of a file. Empty documents are skipped; input problems become findings. */
export function parseDocuments(text: string, file: string, options?: ParseOptions): ParseResult {
  const resolved = resolveParseLimits(options);
  const sink = new FindingSink(file, resolved.maxFindings);
  const documents: ParsedDocument[] = [];
  if (text.length > resolved.maxFileSize) {
    sink.add(PARSE_RULES.fileSize, 'error', 1, 1, `file of ${text.length} characters exceeds the limit of ${resolved.maxFileSize}; not parsed`);
    return { documents, findings: sink.finish() };
  }
  const json = /\.json$/i.test(file);
  const emit: Emit = { file, documents, sink, maxDocuments: resolved.maxDocuments, yaml11Booleans: options?.yaml11Booleans ?? true, fastPath: options?.fastPath ?? true, limitReported: false };
  // kubectl's reader: a byte-order mark is dropped (go-yaml skips it), and the file is split at `---`
  // lines the way k8s.io/apimachinery's YAMLReader splits it (prescan.ts splitKubeDocuments).
  const kube = emit.yaml11Booleans;
  const body = text.charCodeAt(0) === 0xfeff ? (kube ? text.slice(1) : ` ${text.slice(1)}`) : text;
  let chunks = 0;
  for (const piece of kube ? splitKubeDocuments(body) : splitDocuments(body)) {
    if (emit.limitReported) break;
    if ('invalidSeparator' in piece) {
      sink.add(PARSE_RULES.syntax, 'error', piece.line, 4, `invalid Yaml document separator: ${piece.invalidSeparator} (kubectl reads a line starting with --- as a separator, with only a comment after it); the rest of the file is not read`);
      break;
    }
    const chunk = piece;
    // Empty documents count too, so a stream of bare `---` lines cannot keep the parser busy.
    if (++chunks > resolved.maxDocuments) {
      sink.add(PARSE_RULES.documents, 'error', chunk.line, 1, `more than ${resolved.maxDocuments} documents; the rest of the file is ignored`);
      break;
    }
    parseChunk(chunk, json, resolved, emit);
  }
  return { documents, findings: sink.finish() };
}
