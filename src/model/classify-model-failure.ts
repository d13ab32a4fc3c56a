// Turns what went wrong in one attempt of a model call (an openai APIError with its status and headers, a
// connection error from undici, the egress guard's refusal, a stream that stopped early) into a ModelError
// with `retryable` set and the server's Retry-After, so the client's retry loop decides on data.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

import { AppError } from '../errors.js';
import { ModelError, type ModelErrorCode } from './model-error.js';
import { isRetryableModelStatus, retryAfterMs } from './model-retry-policy.js';

export interface AttemptFailure {
  readonly error: ModelError;
  /** The wait the server asked for (Retry-After), in ms. */
  readonly retryAfterMs?: number;
  /** HTTP status, when the server answered. */
  readonly status?: number;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** The first AppError in the cause chain (the egress guard's refusal travels inside fetch's TypeError). */
export function appErrorInChain(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (AppError.isInstance(current)) return current;
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

/** The first string `code` in the cause chain (undici and Node put them on causes). */
export function errorCodeInChain(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const errors = (current as { errors?: unknown }).errors;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The raw error body of a response, by its headers object (the client keeps them: openai keeps only `error`). */
export type ErrorBodyLookup = (headers: Headers | undefined) => string | undefined;

function messageIn(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['message', 'error', 'detail']) {
    const found = messageIn(record[key]);
    if (found !== undefined) return found;
  }
  return Array.isArray(value) && value.length > 0 ? JSON.stringify(value) : undefined;
}

/**
 * The server's own error message: OpenAI-style `{error: {message}}` or `{error: "..."}`, vLLM's older
 * top-level `{message}`, FastAPI's `{detail}`, or the raw text.
 */
function serverMessage(error: APIError, bodyOf?: ErrorBodyLookup): string {
  let text = messageIn(error.error);
  if (text === undefined) {
    const raw = bodyOf?.(error.headers as Headers | undefined);
    if (raw !== undefined && raw.trim() !== '') {
      try {
        text = messageIn(JSON.parse(raw) as unknown) ?? raw.trim();
      } catch {
        text = raw.trim();
      }
    }
  }
  text ??= messageOf(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Classifies an HTTP error answer. */
function fromStatus(error: APIError & { status: number }, endpoint: string, model: string, now: number, bodyOf?: ErrorBodyLookup): AttemptFailure {
  const status = error.status;
  const text = serverMessage(error, bodyOf);
  const asked = retryAfterMs(error.headers?.get('retry-after'), error.headers?.get('retry-after-ms'), now);
  const details = { status, endpoint, ...(asked === undefined ? {} : { retryAfterMs: asked }) };
  let code: ModelErrorCode;
  if (status === 429) code = 'model-rate-limited';
  else if (status === 401 || status === 403) code = 'model-unauthorized';
  else if (status === 404 && /model/i.test(text)) code = 'model-not-served';
  else if (status === 408) code = 'model-timeout';
  else if (status >= 500) code = 'model-unavailable';
  else code = 'model-bad-request';
  const hint =
    code === 'model-unauthorized'
      ? ' (check GIC_MODEL_API_KEY)'
      : code === 'model-not-served'
        ? ` (the server does not serve "${model}": see GET ${endpoint}/models)`
        : status === 404
          ? ` (is ${endpoint} the OpenAI-compatible base URL, usually ending in /v1?)`
          : '';
  return {
    error: new ModelError(code, `model server ${endpoint} answered HTTP ${status}: ${text}${hint}`, { retryable: isRetryableModelStatus(status), details, cause: error }),
    status,
    ...(asked === undefined ? {} : { retryAfterMs: asked }),
  };
}

/**
 * Classifies an attempt's error. `timedOut` says the attempt's own timer fired (not the caller's signal).
 */
export function classifyModelFailure(
  error: unknown,
  context: { readonly endpoint: string; readonly model: string; readonly timeoutMs: number; readonly timedOut: boolean; readonly now: number; readonly bodyOf?: ErrorBodyLookup },
): AttemptFailure {
  const { endpoint, model, timeoutMs } = context;
  if (error instanceof ModelError) return { error };
  const inner = appErrorInChain(error);
  if (inner !== undefined && inner !== error) {
    return { error: inner instanceof ModelError ? inner : new ModelError('model-unavailable', inner.message, { cause: inner }) };
  }
  if (error instanceof APIError && typeof error.status === 'number') return fromStatus(error as APIError & { status: number }, endpoint, model, context.now, context.bodyOf);
  const code = errorCodeInChain(error);
  if (context.timedOut || error instanceof APIConnectionTimeoutError || (code !== undefined && TIMEOUT_CODES.has(code))) {
    const what = code === 'UND_ERR_BODY_TIMEOUT' ? 'the stream stalled' : code === 'UND_ERR_CONNECT_TIMEOUT' ? 'no connection' : 'no answer';
    return { error: new ModelError('model-timeout', `model server ${endpoint}: ${what} within ${timeoutMs} ms`, { retryable: false, details: { endpoint, timeoutMs }, cause: error }) };
  }
  if (error instanceof SyntaxError) {
    return { error: new ModelError('model-bad-response', `model server ${endpoint} answered something that is not JSON: ${error.message}`, { details: { endpoint }, cause: error }) };
  }
  if (error instanceof APIError && error.status === undefined && !(error instanceof APIConnectionError)) {
    // An error event inside a stream (`data: {"error": ...}`): the generation failed mid-way.
    return { error: new ModelError('model-stream-cut', `model server ${endpoint} reported an error during generation: ${serverMessage(error)}`, { retryable: true, details: { endpoint }, cause: error }) };
  }
  const reason = code ?? messageOf(error);
  return {
    error: new ModelError('model-unavailable', `model server ${endpoint} is unreachable: ${reason}`, {
      retryable: code === undefined || CONNECTION_CODES.has(code),
      details: { endpoint, ...(code === undefined ? {} : { errno: code }) },
      cause: error,
    }),
  };
}
