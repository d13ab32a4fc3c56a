// The one place that sends HTTP to Gerrit, on undici: a keep-alive connection pool, a per-attempt
// timeout combined with the caller's AbortSignal, basic auth on the `/a/` prefix (HTTP password, or a
// 3.13+ auth token, which is sent the same way), `)]}'` stripped, zod-checked JSON, typed errors, and
// retries with jittered backoff (Retry-After honoured) for idempotent calls only. It must not know any
// endpoint: gerrit-client.ts builds paths.
import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';

import { silentLogger, type Logger } from '../log.js';
import { SpanKind, traceHeaders, withSpan } from '../tracing.js';
import { GerritApiError } from './gerrit-api-error.js';
import { DEFAULT_RETRY_OPTIONS, isRetryableStatus, retryDelay, type RetryOptions } from './retry-policy.js';
import { stripXssiPrefix } from './strip-xssi-prefix.js';

/** Basic-auth credentials: the password is an HTTP password (≤3.12) or an auth token (3.13+). */
export interface GerritCredentials {
  readonly username: string;
  readonly password: string;
}

export interface GerritTransportOptions {
  /** Base URL, e.g. `https://gerrit.example.com/` or `https://host/r/` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Without credentials, calls go to the anonymous endpoints (no `/a/`). */
  readonly credentials?: GerritCredentials;
  /** Per-attempt timeout (headers and body), default 30 s. */
  readonly timeoutMs?: number;
  /** Keep-alive connections in the pool, default 8. */
  readonly connections?: number;
  readonly retry?: Partial<RetryOptions>;
  /** An undici dispatcher to use instead of the transport's own pool (tests, proxies). */
  readonly dispatcher?: Dispatcher;
  readonly logger?: Logger;
  /** Injected for tests: random in [0, 1) and the clock. */
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

export interface CallOptions {
  readonly query?: Query;
  /** JSON body (objects) or raw bytes (strings / Uint8Array, sent as application/octet-stream). */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
  /** Retry on transient failures; default true for GET and HEAD, false otherwise. */
  readonly idempotent?: boolean;
  readonly signal?: AbortSignal;
}

export interface TransportStats {
  /** HTTP attempts sent (retries included). */
  requests: number;
  retries: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export class GerritTransport {
  readonly stats: TransportStats = { requests: 0, retries: 0 };
  private readonly origin: string;
  private readonly pathPrefix: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly authorization: string | undefined;

  constructor(options: GerritTransportOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.pathPrefix = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.authorization =
      options.credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.origin, {
        connections: options.connections ?? 8,
        keepAliveTimeout: 30_000,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
  }

  /** True when calls carry credentials (and use the `/a/` prefix). */
  get authenticated(): boolean {
    return this.authorization !== undefined;
  }

  /** Sends the call and parses the JSON answer with `schema`. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, options: CallOptions = {}): Promise<z.infer<S>> {
    const response = await this.send(method, path, { accept: 'application/json', ...options });
    let parsed: unknown;
    try {
      parsed = JSON.parse(stripXssiPrefix(response.text));
    } catch (error) {
      throw new GerritApiError({ method, path, status: response.status, body: response.text.slice(0, 500), retryable: false, code: 'gerrit-bad-response', cause: error });
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      throw new GerritApiError({
        method,
        path,
        status: response.status,
        body: `unexpected response shape: ${result.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        retryable: false,
        code: 'gerrit-bad-response',
      });
    }
    return result.data as z.infer<S>;
  }

  /** Sends the call; the body is returned as text with `)]}'` left in place. Throws on non-2xx. */
  async send(method: string, path: string, options: CallOptions = {}): Promise<RawResponse> {
    const idempotent = options.idempotent ?? (method === 'GET' || method === 'HEAD');
    const maxAttempts = idempotent ? this.retry.maxAttempts : 1;
    const target = this.target(path, options.query);
    for (let attempt = 1; ; attempt++) {
      let failure: GerritApiError;
      let retryAfter: string | undefined;
      try {
        const response = await this.attempt(method, target, options);
        if (response.status >= 200 && response.status < 300) return response;
        retryAfter = headerValue(response.headers['retry-after']);
        failure = new GerritApiError({ method, path, status: response.status, body: response.text, retryable: isRetryableStatus(response.status), attempts: attempt });
      } catch (error) {
        if (options.signal?.aborted === true) throw options.signal.reason ?? error;
        failure = this.networkError(method, path, error, attempt);
      }
      if (!failure.retryable || attempt >= maxAttempts) {
        if (failure.retryable && !idempotent) this.logger.debug('not retrying a non-idempotent Gerrit call', { method, path });
        throw failure;
      }
      const delay = retryDelay(attempt, failure.status, retryAfter, this.retry, this.now(), this.random);
      this.stats.retries++;
      this.logger.debug('retrying Gerrit call', { method, path, attempt, status: failure.status, delayMs: delay });
      await this.sleep(delay, options.signal);
    }
  }

  /** Closes the pool's keep-alive connections (only a pool the transport created). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private target(path: string, query: Query | undefined): string {
    const auth = this.authorization === undefined ? '' : 'a/';
    const trimmed = path.startsWith('/') ? path.slice(1) : path;
    const search = buildQuery(query);
    return `${this.pathPrefix}${auth}${trimmed}${search === '' ? '' : `${trimmed.includes('?') ? '&' : '?'}${search}`}`;
  }

  /** One HTTP exchange in a client span (`gerrit GET`), the trace context sent along. */
  private attempt(method: string, target: string, options: CallOptions): Promise<RawResponse> {
    const attributes = { 'http.request.method': method, 'server.address': this.origin, 'url.path': target.split('?')[0] ?? target };
    return withSpan(
      `gerrit ${method}`,
      attributes,
      async (span) => {
        const response = await this.exchange(method, target, options);
        span.setAttribute('http.response.status_code', response.status);
        return response;
      },
      SpanKind.CLIENT,
    );
  }

  private async exchange(method: string, target: string, options: CallOptions): Promise<RawResponse> {
    this.stats.requests++;
    const headers: Record<string, string> = traceHeaders({ accept: options.accept ?? 'application/json' });
    if (this.authorization !== undefined) headers['authorization'] = this.authorization;
    let body: string | Uint8Array | undefined;
    if (typeof options.body === 'string' || options.body instanceof Uint8Array) {
      body = options.body;
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json; charset=UTF-8';
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    try {
      const response = await this.dispatcher.request({ origin: this.origin, path: target, method: method as Dispatcher.HttpMethod, headers, body, signal });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      if (timeout.aborted && options.signal?.aborted !== true) {
        throw new TimeoutMarker(this.timeoutMs, error);
      }
      throw error;
    }
  }

  private networkError(method: string, path: string, error: unknown, attempt: number): GerritApiError {
    if (error instanceof TimeoutMarker) {
      return new GerritApiError({ method, path, status: 0, body: `no answer within ${error.timeoutMs} ms`, retryable: true, code: 'gerrit-timeout', attempts: attempt, cause: error.cause });
    }
    const code = errorCode(error);
    const retryable = code !== undefined && NETWORK_ERROR_CODES.has(code);
    const message = error instanceof Error ? error.message : String(error);
    return new GerritApiError({ method, path, status: 0, body: `${code ?? 'error'}: ${message}`, retryable, code: code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? 'gerrit-timeout' : 'gerrit-unavailable', attempts: attempt, cause: error });
  }
}

class TimeoutMarker extends Error {
  constructor(
    readonly timeoutMs: number,
    override readonly cause: unknown,
  ) {
    super(`timeout after ${timeoutMs} ms`);
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `k=v` pairs, repeated keys for arrays, bare `k` for `true`, nothing for false/undefined. */
export function buildQuery(query: Query | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === false) continue;
    if (value === true) parts.push(encodeURIComponent(key));
    else if (Array.isArray(value)) for (const item of value as readonly string[]) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
    else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value as string | number))}`);
  }
  return parts.join('&');
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
