// A parsed JSON value -> the AccessRequest `gic check` evaluates (docs/cli.md "gic check"), or the
// problems that make it a bad request (exit 2). Safe on hostile values: nesting deeper than
// REQUEST_LIMITS.maxDepth is refused before anything recursive touches it, and the request is a fresh
// value of known fields only (JSON.parse's own objects when they already have exactly the right shape,
// else a copy made with defineProperty), so a `__proto__` or `constructor` key can never reach a
// prototype (a `__proto__` key inside a map is dropped, as zod drops it; everything else is an own data
// property). A fast reader accepts the common shapes without zod; anything it does not accept goes to the schema
// (AccessRequestSchema), which decides and words the problems, so both paths accept exactly the same
// requests with the same result (read-access-request.test.ts holds them equal). Then the values are
// checked as a proxy would see them (request-problems.ts). Pure.
import type { z } from 'zod';

import { type AccessRequest, AccessRequestSchema, PROTOCOLS } from '../evaluate/access-request.js';
import { formatFieldPath, type PathSegment } from '../parse/field-path.js';
import { type RequestProblem, requestProblems } from './request-problems.js';

export type { RequestProblem } from './request-problems.js';

export const REQUEST_LIMITS = {
  /** Deepest nesting of objects and arrays in one request (a real one nests 4 deep; claims a little more). */
  maxDepth: 32,
} as const;

export type RequestReading = { readonly ok: true; readonly request: AccessRequest } | { readonly ok: false; readonly problems: readonly RequestProblem[] };

/** Reads one parsed request value. */
export function readAccessRequest(value: unknown): RequestReading {
  let request = fastAccessRequest(value);
  if (request === undefined) {
    if (depthExceeds(value, REQUEST_LIMITS.maxDepth)) {
      return { ok: false, problems: [{ field: '(request)', message: `nested deeper than ${REQUEST_LIMITS.maxDepth} levels; a request nests a few levels at most` }] };
    }
    const result = AccessRequestSchema.safeParse(withoutNulls(value));
    if (!result.success) return { ok: false, problems: result.error.issues.map(describeIssue) };
    request = result.data;
  }
  const problems = requestProblems(request);
  return problems.length === 0 ? { ok: true, request } : { ok: false, problems };
}

/** `what is not a valid request: field: message; ...`, the message of a bad request. */
export function describeRequestProblems(what: string, problems: readonly RequestProblem[]): string {
  const only = problems.length === 1 ? problems[0] : undefined;
  if (only !== undefined && only.field === '(request)' && /^(empty|not valid JSON|nested deeper)/.test(only.message)) return `${what} is ${only.message}`;
  return `${what} is not a valid request: ${problems.map((p) => (p.message.startsWith('unknown field') || p.field === '(request)' ? p.message : `${p.field}: ${p.message}`)).join('; ')}`;
}

// ---- the fast reader: plain shapes only; undefined means "let the schema decide" ----
// JSON.parse gives fresh objects whose keys (even `__proto__`) are own data properties. When such a
// value already has exactly the shape the schema would return (only known keys, right types, no
// nulls, no `__proto__` key where the schema would drop it), it is the request itself: no copy.

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string. */
function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

const TOP_STRINGS: ReadonlySet<string> = new Set(['method', 'path', 'host', 'sourceIp', 'remoteIp', 'destinationIp', 'sni']);

/** The request, when `value` is a plain well-formed request without nulls; else undefined. */
export function fastAccessRequest(value: unknown): AccessRequest | undefined {
  if (!isObj(value)) return undefined;
  let to = false;
  for (const key in value) {
    const v = value[key];
    if (key === 'to') {
      if (!fastTarget(v)) return undefined;
      to = true;
    } else if (key === 'from') {
      if (!fastSource(v)) return undefined;
    } else if (TOP_STRINGS.has(key)) {
      if (typeof v !== 'string') return undefined;
    } else if (key === 'headers') {
      if (!fastHeaders(v)) return undefined;
    } else if (key === 'jwt') {
      if (v !== 'invalid' && !fastJwt(v)) return undefined;
    } else return undefined;
  }
  return to ? (value as AccessRequest) : undefined;
}

function fastTarget(value: unknown): boolean {
  if (!isObj(value)) return false;
  let namespace = false;
  let workload = false;
  let labels = false;
  for (const key in value) {
    const v = value[key];
    if (key === 'namespace') namespace = nonEmpty(v);
    else if (key === 'workload') {
      if (!nonEmpty(v)) return false;
      workload = true;
    } else if (key === 'serviceAccount') {
      if (!nonEmpty(v)) return false;
    } else if (key === 'port') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) return false;
    } else if (key === 'protocol') {
      if (typeof v !== 'string' || !(PROTOCOLS as readonly string[]).includes(v)) return false;
    } else if (key === 'labels') {
      if (!fastStringMap(v)) return false;
      labels = true;
    } else return false;
  }
  return namespace && !(workload && labels);
}

function fastSource(value: unknown): boolean {
  if (!isObj(value)) return false;
  let namespace: unknown;
  let workload = false;
  let principal = false;
  let plaintext = false;
  for (const key in value) {
    const v = value[key];
    if (key === 'namespace') {
      if (typeof v !== 'string') return false;
      namespace = v;
    } else if (key === 'workload') {
      if (!nonEmpty(v)) return false;
      workload = true;
    } else if (key === 'principal') {
      if (!nonEmpty(v)) return false;
      principal = true;
    } else if (key === 'plaintext') {
      if (v !== true) return false;
      plaintext = true;
    } else if (key === 'ip') {
      if (typeof v !== 'string') return false;
    } else return false;
  }
  if (plaintext) return !principal && !workload;
  if (principal) return namespace === undefined && !workload;
  return workload && nonEmpty(namespace);
}

/** A map of strings without a `__proto__` key (the schema would drop it). */
function fastStringMap(value: unknown): boolean {
  if (!isObj(value)) return false;
  for (const key in value) if (typeof value[key] !== 'string' || key === '__proto__') return false;
  return true;
}

function fastHeaders(value: unknown): boolean {
  if (!isObj(value)) return false;
  for (const key in value) {
    const v = value[key];
    if (key === '__proto__') return false;
    if (typeof v === 'string') continue;
    if (!Array.isArray(v)) return false;
    for (const s of v) if (typeof s !== 'string') return false;
  }
  return true;
}

const JWT_STRINGS: ReadonlySet<string> = new Set(['iss', 'sub', 'azp', 'header', 'param']);

function fastJwt(value: unknown): boolean {
  if (!isObj(value)) return false;
  for (const key in value) {
    const v = value[key];
    if (key === '__proto__') return false;
    if (JWT_STRINGS.has(key)) {
      if (typeof v !== 'string') return false;
    } else if (key === 'aud') {
      if (typeof v === 'string') continue;
      if (!Array.isArray(v)) return false;
      for (const s of v) if (typeof s !== 'string') return false;
    } else if (key === 'claims') {
      if (!isObj(v)) return false;
      for (const name in v) if (name === '__proto__' || !plainJson(v[name], 2)) return false;
    } else if (!plainJson(v, 1)) return false;
  }
  return true;
}

/** JSON without nulls, nested at most REQUEST_LIMITS.maxDepth - depth levels below this value. */
function plainJson(value: unknown, depth: number): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'object') return true;
  if (depth >= REQUEST_LIMITS.maxDepth) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!plainJson(item, depth + 1)) return false;
    return true;
  }
  for (const key in value) if (!plainJson((value as Obj)[key], depth + 1)) return false;
  return true;
}

// ---- the schema path ----

/** Whether `value` nests deeper than `limit` (iterative: safe on any depth). */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push({ v: child, d: d + 1 });
  }
  return false;
}

/** Kubernetes-style: a `null` field is absent. A fresh copy; a `__proto__` key stays an own data property. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Obj = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null) continue;
    Object.defineProperty(out, key, { value: withoutNulls(child), writable: true, enumerable: true, configurable: true });
  }
  return out;
}

const UNION_HINTS: Readonly<Record<string, string>> = {
  from: 'expected {"namespace","workload"}, {"principal"} or {"plaintext": true} (each may add "ip")',
  jwt: 'expected an object of claims (iss, sub, aud, azp, claims, header, param) or the string "invalid"',
};

function describeIssue(issue: z.core.$ZodIssue): RequestProblem {
  const field = fieldOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => formatFieldPath([...issue.path.filter(isSegment), k]));
    return { field: keys[0] ?? field, message: `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}` };
  }
  if (issue.code === 'invalid_union') return { field, message: UNION_HINTS[field] ?? issue.message };
  return { field, message: issue.message };
}

function isSegment(key: PropertyKey): key is PathSegment {
  return typeof key === 'string' || typeof key === 'number';
}

function fieldOf(path: readonly PropertyKey[]): string {
  const formatted = formatFieldPath(path.filter(isSegment));
  return formatted === '' ? '(request)' : formatted;
}
