// Turns `gic check` request text into an AccessRequest: safe JSON parsing, then AccessRequestSchema.
// Every failure is an AppError `bad-request` (exit 2) whose message names the offending field,
// e.g. `to.port: expected number, received string`. It does not evaluate anything.
import type { z } from 'zod';

import { AppError } from '../errors.js';
import { type AccessRequest, AccessRequestSchema } from '../policy/evaluate/access-request.js';
import { formatFieldPath, type PathSegment } from '../policy/parse/field-path.js';

/** JSON.parse that reports syntax errors as a bad request instead of throwing SyntaxError. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('bad-request', `${what} is not valid JSON: ${reason}`, { cause: error });
  }
}

/** Parses and validates one request; `what` names it in messages (`--request`, `line 3`). */
export function readRequest(text: string, what: string): AccessRequest {
  if (text.trim() === '') throw new AppError('bad-request', `${what} is empty; expected a JSON request object`);
  const value = parseJson(text, what);
  const result = AccessRequestSchema.safeParse(stripNulls(value));
  if (result.success) return result.data;
  const problems = result.error.issues.map(describeIssue);
  throw new AppError('bad-request', `${what} is not a valid request: ${problems.join('; ')}`, {
    details: { fields: result.error.issues.map((issue) => fieldOf(issue.path)) },
  });
}

const UNION_HINTS: Readonly<Record<string, string>> = {
  from: 'expected {"namespace","workload"}, {"principal"} or {"plaintext": true} (each may add "ip")',
  jwt: 'expected an object of claims (iss, sub, aud, azp, claims, header, param) or the string "invalid"',
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = fieldOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => formatFieldPath([...issue.path.filter(isSegment), k]));
    return `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
  }
  if (issue.code === 'invalid_union') return `${field}: ${UNION_HINTS[field] ?? issue.message}`;
  return `${field}: ${issue.message}`;
}

function isSegment(key: PropertyKey): key is PathSegment {
  return typeof key === 'string' || typeof key === 'number';
}

function fieldOf(path: readonly PropertyKey[]): string {
  const formatted = formatFieldPath(path.filter(isSegment));
  return formatted === '' ? '(request)' : formatted;
}

/** Kubernetes-style: a `null` field is treated as absent. */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = stripNulls(child);
  return out;
}
