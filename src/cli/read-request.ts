// Turns `gic check` request text into an AccessRequest (src/policy/request: bounded JSON parsing, a
// prototype-safe copy, the schema, then the values a proxy would see). Every failure is an AppError
// `bad-request` (exit 2) whose message names the offending field, e.g. `to.port: expected number,
// received string`. It does not evaluate anything.
import { AppError } from '../errors.js';
import type { AccessRequest } from '../policy/evaluate/access-request.js';
import { describeRequestProblems, REQUEST_LIMITS } from '../policy/request/read-access-request.js';
import { jsonDepthExceeds, readRequestText } from '../policy/request/read-request-text.js';

/**
 * JSON.parse for documents a person hands to a command (an intent file, an explain request): nesting
 * bounded before anything is built, syntax errors a bad request (exit 2) instead of a SyntaxError.
 */
export function parseJson(text: string, what: string): unknown {
  if (jsonDepthExceeds(text, REQUEST_LIMITS.maxDepth)) throw new AppError('bad-request', `${what} is not valid JSON: nested deeper than ${REQUEST_LIMITS.maxDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('bad-request', `${what} is not valid JSON: ${reason}`, { cause: error });
  }
}

/** Parses and validates one request; `what` names it in messages (`--request`, `line 3`). */
export function readRequest(text: string, what: string): AccessRequest {
  const reading = readRequestText(text);
  if (reading.ok) return reading.request;
  throw new AppError('bad-request', describeRequestProblems(what, reading.problems), { details: { fields: reading.problems.map((p) => p.field) } });
}
