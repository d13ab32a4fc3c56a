// How a node-postgres failure becomes an AppError that says which database and what failed, and which
// failures a store may retry: serialization failures and deadlocks (the transaction did nothing), and a
// connection that could not be made or was lost before COMMIT was sent. The SQLSTATE classes are from
// the PostgreSQL manual, appendix A.
import { AppError } from '../errors.js';

/** The SQLSTATE (`40001`) or Node error code (`ECONNREFUSED`) of a pg failure, if it has one. */
export function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

/** The server could not be reached or went away (admin shutdown, crash, network). */
export function isConnectionFailure(error: unknown): boolean {
  const code = pgCode(error);
  if (code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** The transaction lost a race and did nothing: run it again. */
export function isTransactionConflict(error: unknown): boolean {
  const code = pgCode(error);
  // serialization_failure, deadlock_detected, unique_violation (two writers inserting the same key).
  return code === '40001' || code === '40P01' || code === '23505';
}

/** A pg failure as an AppError naming the database (`what`: the operation, `where`: the redacted URL). */
export function postgresError(error: unknown, where: string, what: string): unknown {
  if (AppError.isInstance(error)) return error;
  const code = pgCode(error);
  const message = `${what}: ${where}: ${error instanceof Error ? error.message : String(error)}${code === undefined ? '' : ` (${code})`}`;
  if (isConnectionFailure(error)) return new AppError('store-unavailable', message, { cause: error, retryable: true });
  switch (code) {
    case '28P01':
    case '28000':
      return new AppError('store-unauthorized', message, { cause: error });
    case '3D000':
      return new AppError('input-unreadable', `${what}: ${where}: the database does not exist`, { cause: error });
    case '42P01':
      return new AppError('input-unreadable', `${what}: ${where} is not a gic store (a table is missing: ${error instanceof Error ? error.message : ''})`, { cause: error });
    case '25006':
      return new AppError('store-read-only', message, { cause: error });
    case '53300':
      return new AppError('store-busy', message, { cause: error, retryable: true });
    case '57014':
      return new AppError('store-timeout', message, { cause: error, retryable: true });
    default:
      return new AppError('store-failed', message, { cause: error });
  }
}

/** The connection URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL database (an unparsable URL)';
  }
}
