// An audit entry as a row of the `audit_log` table (migrations.ts) and back. Shared by every store so
// that SQLite and PostgreSQL hold the same columns: the JSON fields (`models`, `evidence`) are stored as
// their canonical JSON text. Decoding checks every column's type and format, because a row read back may
// have been edited outside gic: a failure names the column (the verifier reports it as `malformed`).
import { AppError } from '../errors.js';
import { AUDIT_OUTCOMES, SHA256_HEX } from './audit-entry-input-schema.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditEntry, AuditOutcome, ModelUse } from './store.js';

/** The columns of `audit_log`, as a driver returns them (types unchecked). */
export interface AuditRow {
  readonly seq: unknown;
  readonly time: unknown;
  readonly actor: unknown;
  readonly action: unknown;
  readonly inputs_hash: unknown;
  readonly outcome: unknown;
  readonly detail: unknown;
  readonly models: unknown;
  readonly evidence: unknown;
  readonly duration_ms: unknown;
  readonly prev_hash: unknown;
  readonly hash: unknown;
}

/** The column list in insert order (the placeholders $1..$12 follow it). */
export const AUDIT_COLUMNS = ['seq', 'time', 'actor', 'action', 'inputs_hash', 'outcome', 'detail', 'models', 'evidence', 'duration_ms', 'prev_hash', 'hash'] as const;

/** Insert parameters for an entry, in AUDIT_COLUMNS order. */
export function auditRowValues(entry: AuditEntry): (string | number | null)[] {
  return [
    entry.seq,
    entry.time,
    entry.actor,
    entry.action,
    entry.inputsHash,
    entry.outcome,
    entry.detail ?? null,
    entry.models === undefined ? null : canonicalJson(entry.models),
    entry.evidence === undefined ? null : canonicalJson(entry.evidence),
    entry.durationMs ?? null,
    entry.prevHash,
    entry.hash,
  ];
}

/** A row that is not a well-formed entry: which column, and why. */
export class AuditRowError extends Error {
  override readonly name = 'AuditRowError';
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The row's seq as a number when it is a whole number at all (bigint and digit strings included), else undefined. */
export function rowSeq(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) return rowSeq(Number(value));
  return undefined;
}

/** The entry a row holds; throws AuditRowError naming the first bad column. */
export function decodeAuditRow(row: AuditRow): AuditEntry {
  const seq = rowSeq(row.seq);
  if (seq === undefined) throw new AuditRowError(`seq ${describe(row.seq)} is not a whole number`);
  const time = text(row, 'time');
  if (!ISO_UTC.test(time)) throw new AuditRowError(`time "${time}" is not an ISO 8601 UTC time`);
  const outcome = text(row, 'outcome');
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(outcome)) throw new AuditRowError(`outcome "${outcome}" is not one of ${AUDIT_OUTCOMES.join(', ')}`);
  const entry: AuditEntry = {
    seq,
    time,
    actor: nonEmpty(row, 'actor'),
    action: nonEmpty(row, 'action'),
    inputsHash: sha256(row, 'inputs_hash'),
    outcome: outcome as AuditOutcome,
    prevHash: sha256(row, 'prev_hash'),
    hash: sha256(row, 'hash'),
  };
  const detail = optional(row, 'detail', (v) => (typeof v === 'string' ? v : undefined), 'text');
  const models = optional(row, 'models', (v) => {
    const parsed = typeof v === 'string' ? parseJson(v) : undefined;
    return Array.isArray(parsed) && parsed.every(isModelUse) ? (parsed as ModelUse[]) : undefined;
  }, 'a JSON array of model uses');
  const evidence = optional(row, 'evidence', (v) => {
    const parsed = typeof v === 'string' ? parseJson(v) : undefined;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  }, 'a JSON object');
  const durationMs = optional(row, 'duration_ms', (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined), 'a number of milliseconds');
  return {
    ...entry,
    ...(detail === undefined ? {} : { detail }),
    ...(models === undefined ? {} : { models }),
    ...(evidence === undefined ? {} : { evidence }),
    ...(durationMs === undefined ? {} : { durationMs }),
  };
}

/**
 * The entry a row read for listing or export holds; a malformed row is `store-corrupt`, naming the entry,
 * the store (`where`) and the column (the same error for listAudit and iterateAudit on every store).
 */
export function decodeStoredAuditRow(row: AuditRow, where: string): AuditEntry {
  try {
    return decodeAuditRow(row);
  } catch (error) {
    if (error instanceof AuditRowError) throw new AppError('store-corrupt', `audit entry ${String(row.seq)} in ${where} is malformed: ${error.message} (gic audit verify)`, { cause: error });
    throw error;
  }
}

/** Rows per page of a streamed read of the log (iterateAudit, PostgreSQL verify): 1 to 100,000. */
export function checkAuditPageSize(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 100_000) {
    throw new AppError('internal', `${name} must be a whole number from 1 to 100,000, not ${String(value)}`);
  }
  return value;
}

function text(row: AuditRow, column: keyof AuditRow): string {
  const value = row[column];
  if (typeof value !== 'string') throw new AuditRowError(`${column} ${describe(value)} is not text`);
  return value;
}

function nonEmpty(row: AuditRow, column: keyof AuditRow): string {
  const value = text(row, column);
  if (value === '') throw new AuditRowError(`${column} is empty`);
  return value;
}

function sha256(row: AuditRow, column: keyof AuditRow): string {
  const value = text(row, column);
  if (!SHA256_HEX.test(value)) throw new AuditRowError(`${column} "${value.slice(0, 80)}" is not SHA-256 hex`);
  return value;
}

function optional<T>(row: AuditRow, column: keyof AuditRow, read: (value: unknown) => T | undefined, expected: string): T | undefined {
  const value = row[column];
  if (value === null || value === undefined) return undefined;
  const result = read(value);
  if (result === undefined) throw new AuditRowError(`${column} ${describe(value)} is not ${expected}`);
  return result;
}

function parseJson(textValue: string): unknown {
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    return undefined;
  }
}

function isModelUse(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v['model'] === 'string' && typeof v['endpoint'] === 'string' && typeof v['promptId'] === 'string' && typeof v['promptVersion'] === 'number';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.slice(0, 80)}"`;
  if (value === null || value === undefined) return 'NULL';
  return `${typeof value === 'object' ? 'a blob' : String(value)}`;
}
