// Cheap linear scans run before text reaches the yaml parser: splitting a stream at document markers
// (so each document can be size-checked and parsed alone), spotting binary data, and estimating
// collection nesting depth so pathologically deep input never reaches a recursive parser.
// The depth estimate never over-counts well-formed YAML; the exact check happens on the parsed tree.

export interface TextChunk {
  /** Offset of the chunk in the full text. */
  readonly offset: number;
  readonly text: string;
  /** 1-based line of the chunk's first character in the full text. */
  readonly line: number;
}

const MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/;

/**
 * Splits a YAML stream, lazily, into chunks of at most one document each. A `---` line starts a new chunk when
 * the current one already has content; a `...` line ends the current one. Directives (`%YAML`) stay
 * with the document they precede. In YAML these markers at column 0 always separate documents.
 */
export function* splitDocuments(text: string): Generator<TextChunk, void, undefined> {
  let chunkStart = 0;
  let chunkLine = 1;
  let hasContent = false;
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const first = text.charCodeAt(pos);
    if (first === 45 /* - */ || first === 46 /* . */) {
      const head = text.slice(pos, Math.min(end + 1, pos + 4));
      const match = MARKER.exec(head);
      if (match !== null && match[0] === '---' && hasContent) {
        yield { offset: chunkStart, text: text.slice(chunkStart, pos), line: chunkLine };
        chunkStart = pos;
        chunkLine = line;
      } else if (match !== null && match[0] === '...') {
        yield { offset: chunkStart, text: text.slice(chunkStart, end + 1), line: chunkLine };
        chunkStart = end + 1;
        chunkLine = line + 1;
        hasContent = false;
        pos = end + 1;
        line++;
        continue;
      }
      if (match !== null && match[0] === '---') hasContent = true;
    }
    if (!hasContent && !isBlankCommentOrDirective(text, pos, end)) hasContent = true;
    pos = end + 1;
    line++;
  }
  if (chunkStart < text.length) yield { offset: chunkStart, text: text.slice(chunkStart), line: chunkLine };
}

/** A chunk of kubectl's document reader, or the separator line that stops it. */
export type KubeChunk = TextChunk | { readonly invalidSeparator: string; readonly line: number };

/**
 * Splits a file as kubectl's reader does (k8s.io/apimachinery util/yaml YAMLReader): every line that
 * begins with `---` is a separator and is dropped; one followed by anything but spaces and a comment
 * (`--- !!map`, `----`) is an error that ends the reading. Each chunk then goes to the YAML parser on
 * its own, so `%` directives and `...` markers stay inside the chunks (kube-chunk-checks.ts).
 */
export function* splitKubeDocuments(text: string): Generator<KubeChunk, void, undefined> {
  let chunkStart = 0;
  let chunkLine = 1;
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    if (text.startsWith('---', pos)) {
      const rest = text.slice(pos + 3, end).trim();
      if (rest !== '' && !rest.startsWith('#')) {
        yield { invalidSeparator: rest, line };
        return;
      }
      if (pos > chunkStart) yield { offset: chunkStart, text: text.slice(chunkStart, pos), line: chunkLine };
      chunkStart = end + 1;
      chunkLine = line + 1;
    }
    pos = end + 1;
    line++;
  }
  if (chunkStart < text.length) yield { offset: chunkStart, text: text.slice(chunkStart), line: chunkLine };
}

function isBlankCommentOrDirective(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
  return i === end || text[i] === '#' || (i === start && text[i] === '%');
}

/** Offset of the first NUL or U+FFFD (what invalid UTF-8 decodes to), or -1. */
export function findBinary(text: string): number {
  const nul = text.indexOf('\0');
  const replacement = text.indexOf('\uFFFD');
  if (nul < 0) return replacement;
  if (replacement < 0) return nul;
  return Math.min(nul, replacement);
}

export interface DepthExcess {
  /** 1-based line, within the scanned text, where nesting first exceeds the limit. */
  readonly line: number;
  readonly depth: number;
}

interface ScanState {
  flowDepth: number;
  /** Open quote inside a flow collection or a block value: `"`, `'` or ''. */
  quote: string;
}

/** Scans `line` from `start` in flow context; returns the updated flow depth and max depth seen. */
function scanFlow(line: string, start: number, state: ScanState, base: number, max: { depth: number }): void {
  for (let i = start; i < line.length; i++) {
    const c = line[i];
    if (state.quote !== '') {
      if (state.quote === '"' && c === '\\') i++;
      else if (c === state.quote) {
        if (state.quote === "'" && line[i + 1] === "'") i++;
        else state.quote = '';
      }
      continue;
    }
    if (c === '"' || c === "'") state.quote = c;
    else if (c === '[' || c === '{') {
      state.flowDepth++;
      if (base + state.flowDepth > max.depth) max.depth = base + state.flowDepth;
    } else if (c === ']' || c === '}') {
      state.flowDepth--;
      if (state.flowDepth <= 0) {
        state.flowDepth = 0;
        return;
      }
    } else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return;
  }
}

/** Skips a quoted scalar starting at `start` (the quote); returns the index after it, or -1 if it stays open. */
function skipQuoted(line: string, start: number, quote: string): number {
  for (let i = start + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return -1;
}

const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(?:#.*)?$/;

/**
 * Estimates nesting depth line by line: indentation levels of block collections (each `- ` and each
 * `key:` opens one), plus brackets of flow collections. Returns where the limit is first exceeded.
 */
export function findExcessDepth(text: string, maxDepth: number): DepthExcess | undefined {
  const stack: number[] = [];
  const state: ScanState = { flowDepth: 0, quote: '' };
  let flowBase = 0;
  let blockScalarIndent = -1;
  let lineNo = 0;
  let pos = 0;
  const max = { depth: 0 };
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).replace(/\r$/, '');
    pos = end + 1;
    lineNo++;
    if (state.flowDepth > 0 || state.quote !== '') {
      if (state.flowDepth > 0) scanFlow(line, 0, state, flowBase, max);
      else {
        const close = skipQuoted(`${state.quote}${line}`, 0, state.quote);
        if (close >= 0) state.quote = '';
      }
      if (max.depth > maxDepth) return { line: lineNo, depth: max.depth };
      if (end === text.length) break;
      continue;
    }
    let indent = 0;
    while (indent < line.length && line[indent] === ' ') indent++;
    if (blockScalarIndent >= 0) {
      if (indent === line.length || indent > blockScalarIndent) {
        if (end === text.length) break;
        continue;
      }
      blockScalarIndent = -1;
    }
    if (indent === line.length || line[indent] === '#' || (indent === 0 && (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')))) {
      if (indent === 0 && line.startsWith('---')) {
        stack.length = 0;
        const rest = line.slice(3).trimStart();
        if (rest.startsWith('[') || rest.startsWith('{')) scanFlow(rest, 0, state, 0, max);
      }
      if (max.depth > maxDepth) return { line: lineNo, depth: max.depth };
      if (end === text.length) break;
      continue;
    }
    while (stack.length > 0 && stack[stack.length - 1]! >= indent) stack.pop();
    let i = indent;
    // Block sequence entries and explicit keys, possibly compact (`- - - x`).
    while (i < line.length && (line[i] === '-' || line[i] === '?' || line[i] === ':') && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
      stack.push(i);
      i += 2;
      while (i < line.length && line[i] === ' ') i++;
    }
    let value = line.slice(i);
    // A mapping key on this line opens a level; its value (if any) follows `: `.
    const keyEnd = findKeyEnd(value);
    if (keyEnd >= 0) {
      stack.push(i);
      value = value.slice(keyEnd + 1).trimStart();
    }
    // Skip node properties (anchors, tags) before the value.
    while (value.startsWith('&') || value.startsWith('!')) {
      const space = value.search(/\s/);
      value = space < 0 ? '' : value.slice(space).trimStart();
    }
    if (stack.length > max.depth) max.depth = stack.length;
    if (value.startsWith('[') || value.startsWith('{')) {
      flowBase = stack.length;
      scanFlow(value, 0, state, flowBase, max);
    } else if (value.startsWith('"') || value.startsWith("'")) {
      if (skipQuoted(value, 0, value[0]!) < 0) state.quote = value[0]!;
    } else if (BLOCK_SCALAR.test(value)) {
      blockScalarIndent = indent;
    }
    if (max.depth > maxDepth) return { line: lineNo, depth: max.depth };
    if (end === text.length) break;
  }
  return undefined;
}

/** Index of the `:` ending a block mapping key at the start of `text` (plain or quoted key), or -1. */
function findKeyEnd(text: string): number {
  let i = 0;
  if (text.startsWith('"') || text.startsWith("'")) {
    i = skipQuoted(text, 0, text[0]!);
    if (i < 0) return -1;
  } else if (text.startsWith('[') || text.startsWith('{') || text.startsWith('#') || text.startsWith('|') || text.startsWith('>')) {
    return -1;
  }
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === ':' && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\t')) return i;
    if (c === '#' && i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) return -1;
  }
  return -1;
}

/**
 * What go-yaml v2 makes of a kubectl chunk (splitKubeDocuments) before its content: a `%` directive
 * can only precede a `---` line, which the reader removed, so it is an error; a `...` before any
 * content ends an empty document, also an error; after content, `...` ends the one document v2
 * reads and the rest of the chunk is ignored (`end`: where to cut).
 */
export function kubeChunkProblem(text: string): { readonly line: number; readonly message: string } | { readonly end: number } | undefined {
  let pos = 0;
  let line = 1;
  let content = false;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const c = text[pos];
    if (c === '%' && !content) return { line, message: 'did not find expected <document start>: a %YAML or %TAG directive needs a `---` line after it, and kubectl reads each document without its `---` line' };
    if (c === '.' && /^\.\.\.(?:[ \t\r]|$)/.test(text.slice(pos, end))) {
      if (!content) return { line, message: 'did not find expected node content: `...` ends a document that has no content' };
      return { end: pos };
    }
    if (!content && !isBlankCommentOrDirective(text, pos, end)) content = true;
    pos = end + 1;
    line++;
  }
  return undefined;
}
