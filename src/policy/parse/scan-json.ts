// A fast, bounded JSON reader that builds the value and its line tree in one pass, for JSON input
// (kubectl `-o json` dumps can be tens of MB; the YAML parser is slow and memory-hungry on them).
// Strict JSON only: anything else makes it give up (returns undefined) and the YAML path takes over.
import type { LineBranch, LineNode } from './line-tree.js';

export interface JsonScanResult {
  readonly value: unknown;
  readonly tree: LineNode;
  /** 1-based column of the value's first character. */
  readonly column: number;
  readonly duplicateKeys: readonly { readonly key: string; readonly line: number; readonly column: number }[];
}

export class JsonDepthError extends Error {
  override readonly name = 'JsonDepthError';
  constructor(readonly line: number) {
    super('JSON nesting too deep');
  }
}

class GiveUp extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  pos = 0;
  line = 1;
  lineStart = 0;
  readonly duplicates: { key: string; line: number; column: number }[] = [];

  constructor(
    readonly text: string,
    readonly lineOffset: number,
    readonly maxDepth: number,
  ) {}

  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 13) pos++;
      else if (c === 10) {
        pos++;
        this.line++;
        this.lineStart = pos;
      } else break;
    }
    this.pos = pos;
  }

  currentLine(): number {
    return this.line + this.lineOffset;
  }

  string(): string {
    const text = this.text;
    const start = this.pos;
    let pos = start + 1;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c) || c < 32) throw new GiveUp();
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        pos++;
      }
      pos++;
    }
    this.pos = pos + 1;
    if (!escaped) return text.slice(start + 1, pos);
    try {
      return JSON.parse(text.slice(start, pos + 1)) as string;
    } catch {
      throw new GiveUp();
    }
  }

  value(line: number, depth: number): { value: unknown; node: LineNode } {
    const c = this.text.charCodeAt(this.pos);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth > this.maxDepth) throw new JsonDepthError(line);
      return c === 123 ? this.object(line, depth) : this.array(line, depth);
    }
    if (c === 34) return { value: this.string(), node: line };
    if (c === 116 && this.text.startsWith('true', this.pos)) return this.literal(4, true, line);
    if (c === 102 && this.text.startsWith('false', this.pos)) return this.literal(5, false, line);
    if (c === 110 && this.text.startsWith('null', this.pos)) return this.literal(4, null, line);
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null || match[0] === '') throw new GiveUp();
    this.pos += match[0].length;
    return { value: Number(match[0]), node: line };
  }

  literal(length: number, value: unknown, line: number): { value: unknown; node: LineNode } {
    this.pos += length;
    return { value, node: line };
  }

  object(line: number, depth: number): { value: unknown; node: LineNode } {
    this.pos++;
    const value: Record<string, unknown> = {};
    const keys = new Map<string, LineNode>();
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 125) {
      this.pos++;
      return { value, node: { line, keys } satisfies LineBranch };
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 34) throw new GiveUp();
      const keyLine = this.currentLine();
      const keyColumn = this.pos - this.lineStart + 1;
      const key = this.string();
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 58) throw new GiveUp();
      this.pos++;
      this.skipSpace();
      const child = this.value(keyLine, depth + 1);
      if (keys.has(key)) this.duplicates.push({ key, line: keyLine, column: keyColumn });
      if (key === '__proto__') Object.defineProperty(value, key, { value: child.value, enumerable: true, writable: true, configurable: true });
      else value[key] = child.value;
      keys.set(key, child.node);
      this.skipSpace();
      const next = this.text.charCodeAt(this.pos++);
      if (next === 125) break;
      if (next !== 44) throw new GiveUp();
    }
    return { value, node: { line, keys } satisfies LineBranch };
  }

  array(line: number, depth: number): { value: unknown; node: LineNode } {
    this.pos++;
    const value: unknown[] = [];
    const items: LineNode[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return { value, node: { line, items } satisfies LineBranch };
    }
    for (;;) {
      this.skipSpace();
      const child = this.value(this.currentLine(), depth + 1);
      value.push(child.value);
      items.push(child.node);
      this.skipSpace();
      const next = this.text.charCodeAt(this.pos++);
      if (next === 93) break;
      if (next !== 44) throw new GiveUp();
    }
    return { value, node: { line, items } satisfies LineBranch };
  }
}

/**
 * Reads one strict JSON value filling `text` (whitespace around it allowed). Returns undefined when
 * the text is not strict JSON; throws JsonDepthError when nesting exceeds `maxDepth`.
 */
export function scanJson(text: string, firstLine: number, maxDepth: number): JsonScanResult | undefined {
  const scanner = new Scanner(text, firstLine - 1, maxDepth);
  try {
    scanner.skipSpace();
    const column = scanner.pos - scanner.lineStart + 1;
    const { value, node } = scanner.value(scanner.currentLine(), 0);
    scanner.skipSpace();
    if (scanner.pos !== text.length) return undefined;
    return { value, tree: node, column, duplicateKeys: scanner.duplicates };
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}
