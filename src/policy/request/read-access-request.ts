// A parsed JSON value -> the AccessRequest `gic check` evaluates (docs/cli.md "gic check"), or the
// problems that make it a bad request (exit 2). Safe on hostile values: nesting deeper than
// REQUEST_LIMITS.maxDepth is refused before anything recursive touches it, and the request is a fresh
// copy of known fields only, so a `__proto__` or `constructor` key can never reach a prototype (a
// `__proto__` key inside a map is dropped, as zod drops it; everything else is an own data property).
// A fast reader accepts the common shapes without zod; anything it does not accept goes to the schema
// (AccessRequestSchema), which decides and words the problems, so both paths accept exactly the same
// requests with the same result (read-access-request.test.ts holds them equal). Then the values are
// checked as a proxy would see them (request-problems.ts). Pure.
import type { z } from 'zod';

import { type AccessRequest, AccessRequestSchema, type JwtClaims, PROTOCOLS, type RequestSource, type RequestTarget } from '../evaluate/access-request.js';
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

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string. */
function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

const TOP_KEYS = new Set(['to', 'from', 'method', 'path', 'host', 'headers', 'jwt', 'sourceIp', 'remoteIp', 'destinationIp', 'sni']);
const STRING_KEYS = ['method', 'path', 'host', 'sourceIp', 'remoteIp', 'destinationIp', 'sni'] as const;

/** The request, when `value` is a plain well-formed request without nulls; else undefined. */
export function fastAccessRequest(value: unknown): AccessRequest | undefined {
  if (!isObj(value)) return undefined;
  for (const key in value) if (!TOP_KEYS.has(key) || !Object.hasOwn(value, key)) return undefined;
  const to = fastTarget(value['to']);
  if (to === undefined) return undefined;
  const out: { -readonly [K in keyof AccessRequest]: AccessRequest[K] } = { to };
  if (value['from'] !== undefined) {
    const from = fastSource(value['from']);
    if (from === undefined) return undefined;
    out.from = from;
  }
  for (const key of STRING_KEYS) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') return undefined;
    out[key] = v;
  }
  if (value['headers'] !== undefined) {
    const headers = fastHeaders(value['headers']);
    if (headers === undefined) return undefined;
    out.headers = headers;
  }
  if (value['jwt'] !== undefined) {
    const jwt = value['jwt'] === 'invalid' ? 'invalid' : fastJwt(value['jwt']);
    if (jwt === undefined) return undefined;
    out.jwt = jwt;
  }
  return out;
}

function fastTarget(value: unknown): RequestTarget | undefined {
  if (!isObj(value)) return undefined;
  const out: { -readonly [K in keyof RequestTarget]: RequestTarget[K] } = { namespace: '' };
  let n = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return undefined;
    const v = value[key];
    n++;
    if (key === 'namespace' || key === 'workload' || key === 'serviceAccount') {
      if (!nonEmpty(v)) return undefined;
      out[key] = v;
    } else if (key === 'port') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) return undefined;
      out.port = v;
    } else if (key === 'protocol') {
      if (typeof v !== 'string' || !(PROTOCOLS as readonly string[]).includes(v)) return undefined;
      out.protocol = v as RequestTarget['protocol'];
    } else if (key === 'labels') {
      const labels = fastStringMap(v);
      if (labels === undefined) return undefined;
      out.labels = labels;
    } else return undefined;
  }
  if (n === 0 || out.namespace === '' || (out.workload !== undefined && out.labels !== undefined)) return undefined;
  return out;
}

function fastSource(value: unknown): RequestSource | undefined {
  if (!isObj(value)) return undefined;
  let namespace: string | undefined;
  let workload: string | undefined;
  let principal: string | undefined;
  let plaintext = false;
  let ip: string | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return undefined;
    const v = value[key];
    if (key === 'namespace' && typeof v === 'string') namespace = v;
    else if (key === 'workload' && nonEmpty(v)) workload = v;
    else if (key === 'principal' && nonEmpty(v)) principal = v;
    else if (key === 'plaintext' && v === true) plaintext = true;
    else if (key === 'ip' && typeof v === 'string') ip = v;
    else return undefined;
  }
  const withIp = ip === undefined ? {} : { ip };
  if (plaintext) return principal === undefined && workload === undefined ? { plaintext: true, ...(namespace === undefined ? {} : { namespace }), ...withIp } : undefined;
  if (principal !== undefined) return namespace === undefined && workload === undefined ? { principal, ...withIp } : undefined;
  if (workload !== undefined && nonEmpty(namespace)) return { namespace, workload, ...withIp };
  return undefined;
}

/** A map of strings; a `__proto__` key is dropped (as the schema drops it). */
function fastStringMap(value: unknown): Record<string, string> | undefined {
  if (!isObj(value)) return undefined;
  const out: Record<string, string> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return undefined;
    const v = value[key];
    if (typeof v !== 'string') return undefined;
    if (key !== '__proto__') out[key] = v;
  }
  return out;
}

function fastHeaders(value: unknown): Record<string, string | string[]> | undefined {
  if (!isObj(value)) return undefined;
  const out: Record<string, string | string[]> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return undefined;
    const v = value[key];
    if (typeof v === 'string') {
      if (key !== '__proto__') out[key] = v;
    } else if (Array.isArray(v) && v.every((s) => typeof s === 'string')) {
      if (key !== '__proto__') out[key] = [...(v as string[])];
    } else return undefined;
  }
  return out;
}

const JWT_STRINGS = new Set(['iss', 'sub', 'azp', 'header', 'param']);

function fastJwt(value: unknown): JwtClaims | undefined {
  if (!isObj(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return undefined;
    const v = value[key];
    if (JWT_STRINGS.has(key)) {
      if (typeof v !== 'string') return undefined;
      out[key] = v;
    } else if (key === 'aud') {
      if (typeof v === 'string') out[key] = v;
      else if (Array.isArray(v) && v.every((s) => typeof s === 'string')) out[key] = [...(v as string[])];
      else return undefined;
    } else if (key === 'claims') {
      if (!isObj(v)) return undefined;
      const claims: Record<string, unknown> = {};
      for (const name in v) {
        if (!Object.hasOwn(v, name) || !plainJson(v[name], 2)) return undefined;
        if (name !== '__proto__') claims[name] = v[name];
      }
      out[key] = claims;
    } else {
      // Other claims sit at the top level of the token (looseObject): kept as they are.
      if (!plainJson(v, 1)) return undefined;
      if (key !== '__proto__') out[key] = v;
    }
  }
  return out as JwtClaims;
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
  for (const key in value) if (!Object.hasOwn(value, key) || !plainJson((value as Obj)[key], depth + 1)) return false;
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
function withoutNulls(value: unknown): unknown {
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
