// How the chat page's JSON API (/api/*) answers a failure: an AppError's code becomes the HTTP status in
// one table, and the body is `{"error": {"code", "message", "details"}}`. Anything that is not an
// AppError is a 500 with a generic message (the cause goes to the server log, never to the caller).
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { AppError } from '../errors.js';
import type { Logger } from '../log.js';

const STATUS: Readonly<Record<string, ContentfulStatusCode>> = {
  'bad-request': 400,
  usage: 400,
  forbidden: 403,
  'not-found': 404,
  refused: 409,
  'not-configured': 501,
  'model-not-configured': 501,
  cancelled: 499 as ContentfulStatusCode,
};

export function statusOf(error: unknown): ContentfulStatusCode {
  if (!AppError.isInstance(error)) return 500;
  const known = STATUS[error.code];
  if (known !== undefined) return known;
  if (error.code.endsWith('-not-found')) return 404;
  if (error.code.startsWith('model-') || error.code.startsWith('gerrit-') || error.code.startsWith('kube-') || error.code.startsWith('store-')) return 502;
  return 500;
}

export function errorBody(error: unknown): { error: { code: string; message: string; details?: Readonly<Record<string, unknown>> } } {
  if (!AppError.isInstance(error)) return { error: { code: 'internal', message: 'internal error (see the server log)' } };
  return { error: { code: error.code, message: error.message, ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}) } };
}

export function errorResponse(c: Context, error: unknown, logger: Logger): Response {
  const status = statusOf(error);
  if (status >= 500) logger.error('api request failed', { path: c.req.path, error });
  return c.json(errorBody(error), status);
}
