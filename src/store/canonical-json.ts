// The canonical JSON encoding that the audit chain hashes (docs/audit-log.md "Canonical encoding"):
// one text per JSON value, so an auditor can recompute every hash with another tool. It is RFC 8785
// (JSON Canonicalization Scheme) for the values gic writes: object keys sorted by UTF-16 code units, no
// whitespace, strings escaped as ECMAScript JSON.stringify does, numbers as ECMAScript prints them
// (shortest round-trip form), hashed as UTF-8. Pure: no I/O. It refuses anything that is not plain JSON
// (NaN, Infinity, bigint, functions, Dates, class instances, lone surrogates, cycles or nesting deeper
// than 256 levels) instead of guessing, and names where the bad value is. Object properties whose value is `undefined` are omitted
// (optional fields that are absent), as JSON.stringify omits them.
import { createHash } from 'node:crypto';

/** A value the encoding refused, with the path of the value (`$.evidence.items[2]`). */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** The canonical JSON text of `value` (throws CanonicalJsonError for anything that is not plain JSON). */
export function canonicalJson(value: unknown): string {
  return encode(value, undefined, 0);
}

/** SHA-256 (lowercase hex) over the UTF-8 bytes of the canonical JSON text of `value`. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/** Deeper nesting is refused: no JSON gic writes comes near it, and it stops a cycle. */
const MAX_DEPTH = 256;

/** Where a value sits, built as a chain and spelled out (`$.a[2]`) only for an error message. */
interface PathStep {
  readonly parent: PathStep | undefined;
  readonly key: string | number;
}

function pathText(step: PathStep | undefined): string {
  const keys: (string | number)[] = [];
  for (let s = step; s !== undefined; s = s.parent) keys.push(s.key);
  keys.reverse();
  const spell = (key: string | number): string => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
  if (keys.length <= 16) return `$${keys.map(spell).join('')}`;
  return `$${keys.slice(0, 8).map(spell).join('')}…(${keys.length - 12} more)…${keys.slice(-4).map(spell).join('')}`;
}

function fail(at: PathStep | undefined, problem: string): never {
  throw new CanonicalJsonError(pathText(at), problem);
}

function encode(value: unknown, at: PathStep | undefined, depth: number): string {
  switch (typeof value) {
    case 'string':
      return encodeString(value, at);
    case 'number':
      if (!Number.isFinite(value)) fail(at, `${String(value)} is not a JSON number`);
      // ECMAScript Number::toString, as RFC 8785 §3.2.2.3 requires; -0 prints as 0.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      fail(at, `a ${typeof value} is not a JSON value`);
  }
  if (value === null) return 'null';
  if (depth >= MAX_DEPTH) fail(at, `nested deeper than ${MAX_DEPTH} levels (or the value contains itself: a cycle)`);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) fail({ parent: at, key: i }, 'undefined is not a JSON value');
      text += `${i > 0 ? ',' : ''}${encode(item, { parent: at, key: i }, depth + 1)}`;
    }
    return `${text}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    fail(at, `a ${name} is not a plain JSON object`);
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 specifies.
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const child: unknown = record[key];
    if (child === undefined) continue;
    const step = { parent: at, key };
    text += `${text.length > 1 ? ',' : ''}${encodeString(key, step)}:${encode(child, step, depth + 1)}`;
  }
  return `${text}}`;
}

function encodeString(text: string, at: PathStep | undefined): string {
  // A lone surrogate has no UTF-8 encoding: two tools would hash it differently.
  if (!text.isWellFormed()) fail(at, 'the string holds a lone UTF-16 surrogate (not valid Unicode)');
  // JSON.stringify escapes exactly what RFC 8785 §3.2.2.2 asks: " \ and U+0000-U+001F (\b \t \n \f \r
  // or \u00xx in lowercase hex); every other character is written as itself.
  return JSON.stringify(text);
}
