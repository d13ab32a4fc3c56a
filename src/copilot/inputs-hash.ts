// The audit log's "hash of the inputs": SHA-256 (hex) over a canonical JSON encoding (object keys
// sorted, no whitespace, undefined members left out), so the same inputs always hash alike whatever
// their key order. Inputs are never stored in the audit log, only this hash.
import { createHash } from 'node:crypto';

/** Canonical JSON: sorted keys, no insignificant whitespace; undefined members and functions dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined && typeof (value as Record<string, unknown>)[k] !== 'function')
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export function inputsHash(inputs: unknown): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}
