// Splits a large `kind: List` document written the way kubectl writes it (`items:` at column 0, each
// item a `- ` entry at one column) into its items by text, so each item is parsed on its own and memory
// stays bounded by the largest item instead of the whole List. Line numbers are preserved: the item's
// `- ` becomes spaces and the envelope keeps blank lines where the items were. Callers fall back to
// parsing the whole document when the split does not apply or an item does not parse on its own.
import type { TextChunk } from './prescan.js';

export interface SplitList {
  /** The document without its items (`items: []`), lines kept in place. */
  readonly envelope: TextChunk;
  readonly items: readonly TextChunk[];
}

interface Line {
  readonly start: number;
  readonly end: number;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lines.push({ start, end });
    if (end === text.length) break;
    start = end + 1;
  }
  return lines;
}

function indentOf(text: string, line: Line): number {
  let i = line.start;
  while (i < line.end && text[i] === ' ') i++;
  return i - line.start;
}

function isBlankOrComment(text: string, line: Line): boolean {
  const indent = indentOf(text, line);
  const at = line.start + indent;
  return at >= line.end || text[at] === '#' || text[at] === '\r';
}

const ITEMS_KEY = /^items:[ \t]*(?:#.*)?\r?$/;

/** Returns undefined when the document is not a List in that shape. */
export function splitList(chunk: TextChunk): SplitList | undefined {
  const text = chunk.text;
  const lines = linesOf(text);
  const itemsAt = lines.findIndex((l) => text.charCodeAt(l.start) === 105 /* i */ && ITEMS_KEY.test(text.slice(l.start, l.end)));
  if (itemsAt < 0) return undefined;
  let first = itemsAt + 1;
  while (first < lines.length && isBlankOrComment(text, lines[first]!)) first++;
  if (first >= lines.length) return undefined;
  const column = indentOf(text, lines[first]!);
  const isEntry = (line: Line): boolean => {
    const at = line.start + column;
    return indentOf(text, line) === column && text[at] === '-' && (at + 1 === line.end || text[at + 1] === ' ' || text[at + 1] === '\r');
  };
  if (!isEntry(lines[first]!)) return undefined;
  const starts: number[] = [];
  let end = first;
  for (; end < lines.length; end++) {
    const line = lines[end]!;
    if (isBlankOrComment(text, line)) continue;
    const indent = indentOf(text, line);
    if (indent < column || (indent === column && !isEntry(line))) break;
    if (indent === column) starts.push(end);
  }
  // Trailing blank lines belong to the envelope.
  while (end > first && isBlankOrComment(text, lines[end - 1]!)) end--;
  const items: TextChunk[] = starts.map((startLine, i) => {
    const stopLine = i + 1 < starts.length ? starts[i + 1]! : end;
    const from = lines[startLine]!.start;
    const to = stopLine < lines.length ? lines[stopLine]!.start : text.length;
    const body = text.slice(from, to);
    // `- ` at `column` becomes two spaces: the item is then a block node indented by column + 2.
    const itemText = `${body.slice(0, column)} ${body.slice(column + 1)}`;
    return { offset: chunk.offset + from, text: itemText, line: chunk.line + startLine };
  });
  const before = text.slice(0, lines[itemsAt]!.start);
  const removed = text.slice(lines[first]!.start, end < lines.length ? lines[end]!.start : text.length);
  const after = end < lines.length ? text.slice(lines[end]!.start) : '';
  const blankLines = '\n'.repeat((removed.match(/\n/g) ?? []).length + (first - itemsAt - 1));
  const envelopeText = `${before}items: []\n${blankLines}${after}`;
  return { envelope: { offset: chunk.offset, text: envelopeText, line: chunk.line }, items };
}
