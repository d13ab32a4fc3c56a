// Request text (one `--request`, one line of `--requests`, an MCP tool argument) -> AccessRequest or
// the problems that make it a bad request. Hostile text is bounded: text longer than a real request is
// scanned for nesting depth before JSON.parse builds anything (so a 1 MiB line of `[[[[` costs one
// linear scan, not a million nested arrays), and an unclosed string is reported where it opened. Pure.
import { jsonOpenStringOffset } from '../parse/unclosed-quote.js';
import { readAccessRequest, REQUEST_LIMITS, type RequestReading } from './read-access-request.js';

/** Requests shorter than this are parsed directly: they cannot nest deep enough to cost anything. */
const SCAN_FIRST = 4096;

export function readRequestText(text: string): RequestReading {
  if (text.length === 0 || (text.charCodeAt(0) <= 0x20 && text.trim() === '')) return problem('(request)', 'empty; expected a JSON request object');
  if (text.length > SCAN_FIRST && jsonDepthExceeds(text, REQUEST_LIMITS.maxDepth)) {
    return problem('(request)', `nested deeper than ${REQUEST_LIMITS.maxDepth} levels; a request nests a few levels at most`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return problem('(request)', `not valid JSON: ${jsonReason(text, error)}`);
  }
  return readAccessRequest(value);
}

function problem(field: string, message: string): RequestReading {
  return { ok: false, problems: [{ field, message }] };
}

/** Whether brackets outside strings nest deeper than `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** JSON.parse's reason, with the line and column where the problem starts (an unclosed string: where it opened). */
function jsonReason(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  const reason = message.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/ in JSON at position \d+$/, '').replace(/ at position \d+$/, '');
  if (at === null) return reason;
  const offset = Number(at[1]);
  const opened = /control character in string|Unterminated string/i.test(message) ? jsonOpenStringOffset(text, offset) : undefined;
  if (opened !== undefined) return `unclosed string: the " at ${where(text, opened)} is not closed`;
  return `${reason} at ${where(text, offset)}`;
}

function where(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return line === 1 ? `column ${offset - lineStart + 1}` : `line ${line} column ${offset - lineStart + 1}`;
}
