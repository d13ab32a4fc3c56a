// The canonical JSON encoding that the audit chain hashes (docs/audit-log.md "Canonical encoding"):
// one text per JSON value, so an auditor can recompute every hash with another tool. It is RFC 8785
// (JSON Canonicalization Scheme) for the values gic writes: object keys sorted by UTF-16 code units, no
// whitespace, strings escaped as ECMAScript JSON.stringify does, numbers as ECMAScript prints them
// (shortest round-trip form), hashed as UTF-8. Pure: no I/O. It refuses anything that is not plain JSON
// (NaN, Infinity, bigint, functions, Dates, class instances, lone surrogates, cycles) instead of
// guessing, and names where the bad value is. Object properties whose value is `undefined` are omitted
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
  const parts: string[] = [];
  encode(value, '$', parts, new Set());
  return parts.join('');
}

/** SHA-256 (lowercase hex) over the UTF-8 bytes of the canonical JSON text of `value`. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function encode(value: unknown, path: string, out: string[], open: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(encodeString(value, path));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${String(value)} is not a JSON number`);
      // ECMAScript Number::toString, as RFC 8785 §3.2.2.3 requires; -0 prints as 0.
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} is not a JSON value`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  if (open.has(value)) throw new CanonicalJsonError(path, 'the value contains itself (a cycle)');
  open.add(value);
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const item: unknown = value[i];
      if (item === undefined) throw new CanonicalJsonError(`${path}[${i}]`, 'undefined is not a JSON value');
      encode(item, `${path}[${i}]`, out, open);
    }
    out.push(']');
  } else {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new CanonicalJsonError(path, `a ${name} is not a plain JSON object`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 specifies.
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((key, i) => {
      const child = `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
      if (i > 0) out.push(',');
      out.push(encodeString(key, child), ':');
      encode(record[key], child, out, open);
    });
    out.push('}');
  }
  open.delete(value);
}

function encodeString(text: string, path: string): string {
  // A lone surrogate has no UTF-8 encoding: two tools would hash it differently.
  if (!text.isWellFormed()) throw new CanonicalJsonError(path, 'the string holds a lone UTF-16 surrogate (not valid Unicode)');
  // JSON.stringify escapes exactly what RFC 8785 §3.2.2.2 asks: " \ and U+0000-U+001F (\b \t \n \f \r
  // or \u00xx in lowercase hex); every other character is written as itself.
  return JSON.stringify(text);
}
