// The typed error every Gerrit call throws: HTTP status (0 for network failures and timeouts), Gerrit's
// plain-text error body, and whether trying again may help. It extends AppError so front-ends map it by
// `code` at their edge; it decides nothing about how it is shown.
import { AppError } from '../errors.js';

export type GerritErrorCode =
  | 'gerrit-unauthorized'
  | 'gerrit-forbidden'
  | 'gerrit-not-found'
  | 'gerrit-conflict'
  | 'gerrit-bad-request'
  | 'gerrit-rate-limited'
  | 'gerrit-unavailable'
  | 'gerrit-timeout'
  | 'gerrit-bad-response'
  | 'gerrit-error';

export interface GerritApiErrorInit {
  readonly method: string;
  readonly path: string;
  /** HTTP status, or 0 when no response arrived (connection refused, reset, timeout). */
  readonly status: number;
  readonly body: string;
  readonly retryable: boolean;
  readonly code?: GerritErrorCode;
  readonly attempts?: number;
  readonly cause?: unknown;
}

export class GerritApiError extends AppError {
  override readonly name = 'GerritApiError';
  readonly status: number;
  readonly body: string;
  readonly method: string;
  readonly path: string;
  /** How many attempts were made before giving up. */
  readonly attempts: number;

  constructor(init: GerritApiErrorInit) {
    const code = init.code ?? codeForStatus(init.status);
    const what = init.status === 0 ? 'failed' : `answered ${init.status}`;
    const body = init.body.trim();
    super(code, `Gerrit ${init.method} ${init.path} ${what}${body === '' ? '' : `: ${body.slice(0, 500)}`}`, {
      retryable: init.retryable,
      cause: init.cause,
      details: { status: init.status, method: init.method, path: init.path },
    });
    this.status = init.status;
    this.body = init.body;
    this.method = init.method;
    this.path = init.path;
    this.attempts = init.attempts ?? 1;
  }

  static isGerritApiError(value: unknown): value is GerritApiError {
    return AppError.isInstance(value) && value.name === 'GerritApiError';
  }
}

export function codeForStatus(status: number): GerritErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'gerrit-bad-request';
    case 401:
      return 'gerrit-unauthorized';
    case 403:
      return 'gerrit-forbidden';
    case 404:
      return 'gerrit-not-found';
    case 409:
    case 412:
      return 'gerrit-conflict';
    case 429:
      return 'gerrit-rate-limited';
    case 0:
    case 502:
    case 503:
    case 504:
      return 'gerrit-unavailable';
    default:
      return 'gerrit-error';
  }
}
