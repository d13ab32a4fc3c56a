// Where an unclosed quoted string opens. A YAML or JSON parser notices a missing closing quote only
// where the input ends (or at the next newline, for JSON), often many lines later; a person needs the
// line where the quote was opened. These functions find it. Pure string scanning, linear time.
import { Parser } from 'yaml';

/**
 * Offset of the opening quote of the YAML quoted scalar that is still open at `errorOffset` (the yaml
 * library's "Missing closing quote" position), or undefined when there is none.
 */
export function yamlUnclosedQuoteOffset(text: string, errorOffset: number): number | undefined {
  let found: number | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > 200) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const token = node as { type?: unknown; offset?: unknown; source?: unknown };
    if ((token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') && typeof token.offset === 'number' && typeof token.source === 'string') {
      if (!isClosed(token.source) && token.offset <= errorOffset && (found === undefined || token.offset > found)) found = token.offset;
      return;
    }
    for (const value of Object.values(node)) if (typeof value === 'object') visit(value, depth + 1);
  };
  for (const token of new Parser().parse(text)) visit(token, 0);
  return found;
}

function isClosed(token: string): boolean {
  const quote = token[0]!;
  if (token.length < 2 || token[token.length - 1] !== quote) return false;
  if (quote === "'") {
    // '' is an escaped quote: the scalar is closed when the quotes after the opening one pair up plus one.
    let run = 0;
    for (let i = token.length - 1; i > 0 && token[i] === "'"; i--) run++;
    return run % 2 === 1;
  }
  let backslashes = 0;
  for (let i = token.length - 2; i > 0 && token[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** Offset of the opening `"` of the JSON string that is still open at `offset`, or undefined. */
export function jsonOpenStringOffset(text: string, offset: number): number | undefined {
  let open: number | undefined;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (open === undefined) {
      if (c === 0x22) open = i;
    } else if (c === 0x5c) i++;
    else if (c === 0x22) open = undefined;
    else if (c === 0x0a) return open;
  }
  return open;
}
