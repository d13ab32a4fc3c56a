// Ledger and grant rows (review-ledger-queries.ts) read back as the values of review-ledger.ts, shared
// by every store. Numbers may come back as bigint (PostgreSQL BIGINT) or number (SQLite): both are read.
import type { ReviewLedgerEntry, ReviewSource, ReviewState, TimeBoundGrant } from './review-ledger.js';

type Row = Readonly<Record<string, unknown>>;

const num = (value: unknown): number => Number(value);
const optional = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));

export function decodeReviewRow(row: Row): ReviewLedgerEntry {
  const claimedBy = optional(row['claimed_by']);
  const claimedUntil = optional(row['claimed_until']);
  const detail = optional(row['detail']);
  const vote = row['vote'] === null || row['vote'] === undefined ? undefined : num(row['vote']);
  return {
    project: String(row['project']),
    change: num(row['change_number']),
    patchset: num(row['patchset']),
    revision: String(row['revision']),
    source: String(row['source']) as ReviewSource,
    state: String(row['state']) as ReviewState,
    attempts: num(row['attempts']),
    nextAttemptAt: String(row['next_attempt_at']),
    ...(claimedBy !== undefined ? { claimedBy } : {}),
    ...(claimedUntil !== undefined ? { claimedUntil } : {}),
    ...(detail !== undefined ? { detail } : {}),
    ...(vote !== undefined ? { vote } : {}),
    createdAt: String(row['created_at']),
    updatedAt: String(row['updated_at']),
  };
}

export function decodeGrantRow(row: Row): TimeBoundGrant {
  const origin = optional(row['origin']);
  const removalNumber = row['removal_number'];
  const detail = optional(row['detail']);
  return {
    policy: String(row['policy']),
    expires: String(row['expires']),
    project: String(row['project']),
    branch: String(row['branch']),
    path: String(row['path']),
    ...(origin !== undefined ? { origin } : {}),
    ...(removalNumber !== null && removalNumber !== undefined ? { removal: { number: num(removalNumber), url: String(row['removal_url']) } } : {}),
    state: String(row['state']) as TimeBoundGrant['state'],
    ...(detail !== undefined ? { detail } : {}),
  };
}
