// What is SQLite-only in the SQLite store, kept apart from the portable SQL: the parameter spelling
// (`$1` in the shared queries is a named parameter to SQLite, so it becomes the numbered `?1`) and the
// reading of node:sqlite errors (primary result codes: BUSY, LOCKED, CANTOPEN, NOTADB, CORRUPT, READONLY).

/** `$1`, `$2`, ... (PostgreSQL) to `?1`, `?2`, ... (SQLite). The shared queries hold no `$` in literals. */
export function toSqliteParameters(sql: string): string {
  return sql.replace(/\$(\d+)/g, '?$1');
}

export const SQLITE = { BUSY: 5, LOCKED: 6, READONLY: 8, CORRUPT: 11, CANTOPEN: 14, NOTADB: 26 } as const;

/** The primary SQLite result code of a node:sqlite error, or undefined for any other error. */
export function sqliteCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code !== 'ERR_SQLITE_ERROR' || typeof errcode !== 'number') return undefined;
  // Extended codes (SQLITE_BUSY_SNAPSHOT = 517, ...) carry the primary code in the low byte.
  return errcode & 0xff;
}

/** Another connection holds the lock: worth retrying. */
export function isSqliteBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === SQLITE.BUSY || code === SQLITE.LOCKED;
}

/** The message SQLite gave (errstr), else the error's message. */
export function sqliteMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { errstr?: unknown }).errstr === 'string') return (error as { errstr: string }).errstr;
  return error instanceof Error ? error.message : String(error);
}
