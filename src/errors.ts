// AppError: the one typed error every layer outside src/policy throws. It carries a stable string
// `code` that front-ends translate at their edge (CLI exit codes, HTTP status, MCP isError); it must
// never decide how it is shown. src/policy throws no AppError: it returns outcomes as data.

const APP_ERROR_MARKER = Symbol.for('gic.app-error');

/** Stable error codes; front-ends map them in one table each (src/cli/exit-codes.ts for the CLI). */
export type AppErrorCode =
  /** Bad flags, unknown command, missing or conflicting options. */
  | 'usage'
  /** A request document (JSON) that is malformed or fails its schema. */
  | 'bad-request'
  /** Input that cannot be read: a missing file, a permission problem, a directory where a file was expected. */
  | 'input-unreadable'
  /** A bug or an unexpected failure inside gic. */
  | 'internal'
  | (string & {});

export interface AppErrorOptions {
  readonly cause?: unknown;
  /** The operation may succeed when tried again (network errors, 429, 5xx). */
  readonly retryable?: boolean;
  /** Structured facts about the failure (a path, a field), safe to show to the caller. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class AppError extends Error {
  private readonly [APP_ERROR_MARKER] = true;
  override readonly name: string = 'AppError';
  readonly code: AppErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }

  /** True for any AppError, also one created by another copy of this module (symbol marker, not instanceof). */
  static isInstance(value: unknown): value is AppError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_ERROR_MARKER] === true;
  }
}
