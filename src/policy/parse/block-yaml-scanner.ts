// A fast reader for the block-style YAML subset Kubernetes tools write (kubectl, helm, kustomize,
// yaml.stringify): block mappings and sequences, single-line plain and quoted scalars, `{}` and `[]`,
// comments. It returns the document's value (and, on request, its line tree) exactly as the full yaml
// parser path of parse-documents.ts would, or `undefined` ("defer") for anything outside the subset or
// anything the full parser might treat differently: anchors, aliases, tags, merge keys, flow
// collections with content, block and multi-line scalars, non-string keys, tabs, CR, control
// characters, directives, root scalars and sequences, odd indentation. Deferring is always
// safe; block-yaml-scanner.differential.test.ts holds it to equality with the full parser.
// It must never report findings itself (only duplicate keys, which the caller reports) nor throw.
import type { LineBranch, LineNode } from './line-tree.js';
import type { PlainScalarResolver } from './plain-scalar.js';

export interface BlockScanResult {
  readonly value: Record<string, unknown>;
  /** Line and 1-based column of the root mapping's first key. */
  readonly line: number;
  readonly column: number;
  /** Present when asked for. */
  readonly tree?: LineNode;
  /** The first `maxDuplicates` repeated keys, in order, and how many more there were. */
  readonly duplicateKeys: readonly { readonly key: string; readonly line: number; readonly column: number }[];
  readonly moreDuplicateKeys: number;
}

/** Thrown (a single shared object, no stack) when the scanner defers to the full parser. */
const DEFER: unknown = Object.freeze({ defer: true });

/**
 * Whether the text has characters outside the subset: tab, CR and the other C0 controls but LF, DEL,
 * C1 controls, line/paragraph separators, surrogates, BOM and the non-characters U+FFFE/U+FFFF.
 */
function hasUnsupportedCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 10) return true;
    } else if (c >= 0x7f && (c <= 0x9f || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfeff || c >= 0xfffe)) {
      return true;
    }
  }
  return false;
}

/** Longest implicit key accepted (the yaml library refuses implicit keys past 1024 characters). */
const MAX_KEY = 1000;

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

/** c-indicators a plain scalar may not start with (`-`, `?`, `:` are handled apart). */
const NOT_PLAIN_START = new Uint8Array(128);
for (const c of ',[]{}#&*!|>\'"%@`?:') NOT_PLAIN_START[c.charCodeAt(0)] = 1;

// JSON's escapes minus `\/` (go-yaml v2, kubectl's reader, rejects it) and minus UTF-16 surrogates.
const JSON_ESCAPES_ONLY = /^(?:[^\\]|\\["\\bfnrt]|\\u(?![dD][89a-fA-F])[0-9a-fA-F]{4})*$/;

class Scanner {
  /** Current line: [lineStart, lineEnd), 0-based number within the text, first non-space offset. */
  private lineStart = 0;
  private lineEnd = -1;
  private lineNo = -1;
  /** Column of the current line's first non-space character; -1 at the end of the document. */
  private indent = -1;
  /** Offset of the token being read (the line's first non-space character, or later on a `- ` line). */
  private cur = 0;
  /** Line tree of the node just read (when trees are wanted). */
  private node: LineNode = 0;
  readonly duplicates: { key: string; line: number; column: number }[] = [];
  moreDuplicates = 0;

  /**
   * Collections may nest at depths 0 .. maxDepth - 1 (the root is depth 0): one level stricter than the
   * full parser's exact check, so that whatever the scanner accepts also passes findExcessDepth's
   * pre-scan (which counts a level per key or entry line) and the pre-scan need not run.
   */
  private readonly maxDepth: number;

  constructor(
    private readonly text: string,
    private readonly firstLine: number,
    private readonly resolver: PlainScalarResolver,
    maxDepth: number,
    private readonly wantTree: boolean,
    private readonly maxDuplicates: number,
  ) {
    this.maxDepth = maxDepth - 1;
  }

  document(): BlockScanResult {
    this.advance(true);
    if (this.indent < 0) throw DEFER;
    const line = this.firstLine + this.lineNo;
    const column = this.indent + 1;
    if (this.isSeqEntry() || !this.looksLikeKey(this.cur)) throw DEFER;
    const value = this.map(0, line);
    if (this.indent >= 0) throw DEFER;
    return { value, line, column, duplicateKeys: this.duplicates, moreDuplicateKeys: this.moreDuplicates, ...(this.wantTree ? { tree: this.node } : {}) };
  }

  /** Moves to the next line with content; at the end (or a `...` marker) sets indent to -1. */
  private advance(atStart = false): void {
    const text = this.text;
    const n = text.length;
    let pos = this.lineEnd + 1;
    let lineNo = this.lineNo + 1;
    let startAllowed = atStart;
    while (pos < n) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = n;
      let i = pos;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      const c = text.charCodeAt(i);
      if (i === end || c === HASH) {
        pos = end + 1;
        lineNo++;
        continue;
      }
      if (i === pos && (c === DASH || c === DOT) && isMarker(text, pos, end)) {
        // `---` may open the document before any content; `...` ends it. Either may carry a comment only.
        if (!onlyComment(text, pos + 3, end)) throw DEFER;
        if (c === DASH) {
          if (!startAllowed) throw DEFER;
          startAllowed = false;
          pos = end + 1;
          lineNo++;
          continue;
        }
        if (hasContentAfter(text, end + 1)) throw DEFER;
        break;
      }
      this.lineStart = pos;
      this.lineEnd = end;
      this.lineNo = lineNo;
      this.indent = i - pos;
      this.cur = i;
      return;
    }
    this.lineStart = n;
    this.lineEnd = n;
    this.lineNo = lineNo;
    this.indent = -1;
    this.cur = n;
  }

  private isSeqEntry(): boolean {
    const next = this.cur + 1;
    return this.text.charCodeAt(this.cur) === DASH && (next === this.lineEnd || this.text.charCodeAt(next) === SPACE);
  }

  /** Whether an implicit key (`key:` then space or end of line) starts at `p` on the current line. */
  private looksLikeKey(p: number): boolean {
    const text = this.text;
    const end = this.lineEnd;
    const c = text.charCodeAt(p);
    let i = p;
    if (c === DQUOTE || c === SQUOTE) {
      i = this.quotedEnd(p);
      if (i < 0) return false;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      return text.charCodeAt(i) === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE);
    }
    for (; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return true;
      if (ch === HASH && i > p && text.charCodeAt(i - 1) === SPACE) return false;
    }
    return false;
  }

  /** Offset just after the closing quote of a quoted scalar starting at `p` on this line, or -1. */
  private quotedEnd(p: number): number {
    const text = this.text;
    const end = this.lineEnd;
    if (text.charCodeAt(p) === DQUOTE) {
      for (let i = p + 1; i < end; i++) {
        const ch = text.charCodeAt(i);
        if (ch === BACKSLASH) i++;
        else if (ch === DQUOTE) return i + 1;
      }
      return -1;
    }
    for (let i = p + 1; i < end; i++) {
      if (text.charCodeAt(i) === SQUOTE) {
        if (text.charCodeAt(i + 1) === SQUOTE && i + 1 < end) i++;
        else return i + 1;
      }
    }
    return -1;
  }

  /** The value of the quoted scalar [p, q) (q just after its closing quote). */
  private quotedValue(p: number, q: number): string {
    const raw = this.text.slice(p + 1, q - 1);
    if (this.text.charCodeAt(p) === SQUOTE) return raw.includes("'") ? raw.replaceAll("''", "'") : raw;
    if (!raw.includes('\\')) return raw;
    if (!JSON_ESCAPES_ONLY.test(raw)) throw DEFER;
    return JSON.parse(`"${raw}"`) as string;
  }

  private plainStart(p: number): boolean {
    const c = this.text.charCodeAt(p);
    if (c < 128 && NOT_PLAIN_START[c] === 1) return false;
    if (c === DASH) {
      const next = p + 1;
      return next < this.lineEnd && this.text.charCodeAt(next) !== SPACE;
    }
    return true;
  }

  /** Reads the key at `cur` and its `:`; leaves `cur` just after the colon. */
  private key(): string {
    const text = this.text;
    const p = this.cur;
    const c = text.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quotedEnd(p);
      if (q < 0 || q - p > MAX_KEY) throw DEFER;
      const key = this.quotedValue(p, q);
      // The full path never reports a repeated `<<` key as a duplicate, quoted or not: leave it to it.
      if (key === '<<') throw DEFER;
      let i = q;
      while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
      if (text.charCodeAt(i) !== COLON || !(i + 1 === this.lineEnd || text.charCodeAt(i + 1) === SPACE)) throw DEFER;
      this.cur = i + 1;
      return key;
    }
    if (!this.plainStart(p)) throw DEFER;
    const end = this.lineEnd;
    let i = p;
    for (; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) break;
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) throw DEFER;
    }
    if (i === end || i - p > MAX_KEY) throw DEFER;
    let last = i;
    while (text.charCodeAt(last - 1) === SPACE) last--;
    const source = text.slice(p, last);
    if (source === '<<') throw DEFER;
    const key = this.resolver.key(source);
    if (key === undefined) throw DEFER;
    this.cur = i + 1;
    return key;
  }

  /** A scalar (or `{}` / `[]` at `depth`) filling the rest of the current line from `p`; sets `node`. */
  private inline(p: number, line: number, depth: number): unknown {
    const text = this.text;
    const c = text.charCodeAt(p);
    this.node = line;
    if (c === DQUOTE || c === SQUOTE) {
      const q = this.quotedEnd(p);
      if (q < 0) throw DEFER;
      this.trailing(q);
      return this.quotedValue(p, q);
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (text.charCodeAt(p + 1) !== c + 2 || depth > this.maxDepth) throw DEFER;
      this.trailing(p + 2);
      if (c === 123) {
        if (this.wantTree) this.node = { line, keys: new Map() } satisfies LineBranch;
        return {};
      }
      if (this.wantTree) this.node = { line, items: [] } satisfies LineBranch;
      return [];
    }
    if (!this.plainStart(p)) throw DEFER;
    const end = this.lineEnd;
    let last = p;
    for (let i = p; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) throw DEFER;
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) break;
      if (ch !== SPACE) last = i + 1;
    }
    const value = this.resolver.value(text.slice(p, last));
    if (value === undefined) throw DEFER;
    return value;
  }

  /** After a quoted scalar or `{}`/`[]`: only spaces, then the end of the line or a ` #` comment. */
  private trailing(q: number): void {
    let i = q;
    while (i < this.lineEnd && this.text.charCodeAt(i) === SPACE) i++;
    if (i === this.lineEnd) return;
    if (this.text.charCodeAt(i) !== HASH || i === q) throw DEFER;
  }

  /**
   * The value of a key (or `-` entry) whose line ends after the indicator: a block collection on the
   * following lines, or null. `parentIndent` is the column of the key (or dash).
   */
  private blockValue(parentIndent: number, depth: number, line: number, inMap: boolean): unknown {
    this.advance();
    if (this.indent > parentIndent) {
      // A sequence item's node starts where its content does.
      const nodeLine = inMap ? line : this.firstLine + this.lineNo;
      if (this.isSeqEntry()) return this.seq(depth, nodeLine);
      if (!this.looksLikeKey(this.cur)) throw DEFER;
      return this.map(depth, nodeLine);
    }
    // `key:` followed by `- ` entries at the key's own column (kubectl's style).
    if (inMap && this.indent === parentIndent && this.isSeqEntry()) return this.seq(depth, line);
    // An empty value (an empty `-` item too) is null, at the line of its key (or dash).
    this.node = line;
    return null;
  }

  private map(depth: number, line: number): Record<string, unknown> {
    if (depth > this.maxDepth) throw DEFER;
    const text = this.text;
    const indent = this.cur - this.lineStart;
    const value: Record<string, unknown> = {};
    const keys = this.wantTree ? new Map<string, LineNode>() : undefined;
    for (;;) {
      const keyLine = this.firstLine + this.lineNo;
      const keyColumn = this.cur - this.lineStart + 1;
      const key = this.key();
      let p = this.cur;
      while (p < this.lineEnd && text.charCodeAt(p) === SPACE) p++;
      let child: unknown;
      if (p === this.lineEnd || text.charCodeAt(p) === HASH) {
        child = this.blockValue(indent, depth + 1, keyLine, true);
      } else {
        child = this.inline(p, keyLine, depth + 1);
        this.advance();
        if (this.indent > indent) throw DEFER;
      }
      // As the yaml library's addPairToJSMap: keys the object already has (own or inherited) are defined.
      if (key in value) {
        if (Object.hasOwn(value, key)) this.repeated(key, keyLine, keyColumn);
        Object.defineProperty(value, key, { value: child, writable: true, enumerable: true, configurable: true });
      } else value[key] = child;
      keys?.set(key, this.node);
      if (this.indent < indent) break;
      if (this.indent > indent || this.isSeqEntry()) throw DEFER;
    }
    if (keys !== undefined) this.node = { line, keys } satisfies LineBranch;
    return value;
  }

  private repeated(key: string, line: number, column: number): void {
    if (this.duplicates.length < this.maxDuplicates) this.duplicates.push({ key, line, column });
    else this.moreDuplicates++;
  }

  private seq(depth: number, line: number): unknown[] {
    if (depth > this.maxDepth) throw DEFER;
    const text = this.text;
    const indent = this.cur - this.lineStart;
    const value: unknown[] = [];
    const items: LineNode[] | undefined = this.wantTree ? [] : undefined;
    for (;;) {
      const itemLine = this.firstLine + this.lineNo;
      let p = this.cur + 1;
      while (p < this.lineEnd && text.charCodeAt(p) === SPACE) p++;
      let child: unknown;
      if (p === this.lineEnd || text.charCodeAt(p) === HASH) {
        child = this.blockValue(indent, depth + 1, itemLine, false);
      } else if (text.charCodeAt(p) === DASH && (p + 1 === this.lineEnd || text.charCodeAt(p + 1) === SPACE)) {
        // A compact nested sequence (`- - x`): its entries sit at this column.
        this.cur = p;
        child = this.seq(depth + 1, itemLine);
      } else if (this.looksLikeKey(p)) {
        this.cur = p;
        child = this.map(depth + 1, itemLine);
      } else {
        child = this.inline(p, itemLine, depth + 1);
        this.advance();
        if (this.indent > indent) throw DEFER;
      }
      value.push(child);
      items?.push(this.node);
      if (this.indent < indent) break;
      if (this.indent > indent) throw DEFER;
      if (!this.isSeqEntry()) break;
    }
    if (items !== undefined) this.node = { line, items } satisfies LineBranch;
    return value;
  }
}

function isMarker(text: string, pos: number, end: number): boolean {
  const c = text.charCodeAt(pos);
  return text.charCodeAt(pos + 1) === c && text.charCodeAt(pos + 2) === c && (pos + 3 === end || text.charCodeAt(pos + 3) === SPACE);
}

/** [from, end) holds only spaces, optionally followed by a comment after at least one space. */
function onlyComment(text: string, from: number, end: number): boolean {
  let i = from;
  while (i < end && text.charCodeAt(i) === SPACE) i++;
  return i === end || (i > from && text.charCodeAt(i) === HASH);
}

/** Whether any line from `from` on has content other than spaces and comments. */
function hasContentAfter(text: string, from: number): boolean {
  let pos = from;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let i = pos;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    if (i < end && text.charCodeAt(i) !== HASH) return true;
    pos = end + 1;
  }
  return false;
}

/**
 * Reads one block-style YAML document (a mapping at its root) filling `text`, whose first line is
 * `firstLine` of its file. `undefined` means "not in the subset, use the full parser". Repeated keys
 * past `maxDuplicates` are only counted, so a flood of them costs no memory.
 */
export function scanBlockYaml(text: string, firstLine: number, resolver: PlainScalarResolver, maxDepth: number, withTree: boolean, maxDuplicates = Number.POSITIVE_INFINITY): BlockScanResult | undefined {
  if (hasUnsupportedCharacter(text)) return undefined;
  try {
    return new Scanner(text, firstLine, resolver, maxDepth, withTree, maxDuplicates).document();
  } catch (error) {
    if (error === DEFER) return undefined;
    throw error;
  }
}
