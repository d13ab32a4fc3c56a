// The review ledger's queries (review-ledger.ts) in portable SQL (PostgreSQL `$n` parameters, rewritten
// for SQLite; `ON CONFLICT ... DO NOTHING` runs on both), kept apart from store-queries.ts so each store
// implements the ledger with the same statements. Claims are guarded UPDATEs: of two workers racing for
// one row only one UPDATE changes it, whatever the isolation level.

const REVIEW_COLUMNS = 'project, change_number, patchset, revision, source, state, attempts, next_attempt_at, claimed_by, claimed_until, detail, vote, created_at, updated_at';
const GRANT_COLUMNS = 'policy, expires, project, branch, path, origin, state, removal_number, removal_url, detail';
const CLAIMABLE = "((state = 'pending' AND next_attempt_at <= $1) OR (state = 'running' AND claimed_until < $1))";

export const LEDGER_QUERIES = {
  /** $1 project, $2 change, $3 patchset, $4 revision, $5 source, $6 now. */
  insertReview:
    "INSERT INTO review_ledger (project, change_number, patchset, revision, source, state, attempts, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $6) ON CONFLICT (project, change_number, patchset) DO NOTHING",
  reviewByKey: `SELECT ${REVIEW_COLUMNS} FROM review_ledger WHERE project = $1 AND change_number = $2 AND patchset = $3`,
  /** The oldest claimable entry at $1. */
  nextClaimable: `SELECT project, change_number, patchset FROM review_ledger WHERE ${CLAIMABLE} ORDER BY next_attempt_at, created_at, project, change_number, patchset LIMIT 1`,
  /** $1 now, $2 project, $3 change, $4 patchset, $5 worker, $6 claimed until. */
  claimReview: `UPDATE review_ledger SET state = 'running', attempts = attempts + 1, claimed_by = $5, claimed_until = $6, updated_at = $1 WHERE project = $2 AND change_number = $3 AND patchset = $4 AND ${CLAIMABLE}`,
  /** $1 project, $2 change, $3 patchset, $4 worker, $5 state, $6 detail, $7 vote, $8 now. */
  finishReview:
    "UPDATE review_ledger SET state = $5, detail = $6, vote = $7, claimed_by = NULL, claimed_until = NULL, updated_at = $8 WHERE project = $1 AND change_number = $2 AND patchset = $3 AND state = 'running' AND claimed_by = $4",
  /** $1 project, $2 change, $3 patchset, $4 worker, $5 not before, $6 detail, $7 now. */
  retryReview:
    "UPDATE review_ledger SET state = 'pending', next_attempt_at = $5, detail = $6, claimed_by = NULL, claimed_until = NULL, updated_at = $7 WHERE project = $1 AND change_number = $2 AND patchset = $3 AND state = 'running' AND claimed_by = $4",

  cursorByName: 'SELECT value FROM review_cursors WHERE name = $1',
  upsertCursor: 'INSERT INTO review_cursors (name, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3',

  /** $1 policy, $2 expires, $3 project, $4 branch, $5 path, $6 origin, $7 now. */
  insertGrant: "INSERT INTO time_bound_grants (policy, expires, project, branch, path, origin, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7) ON CONFLICT (policy, expires) DO NOTHING",
  /** A newer record of the policy retires the active ones with another expiry: $1 policy, $2 expires, $3 now. */
  retireOtherGrants: "UPDATE time_bound_grants SET state = 'gone', updated_at = $3 WHERE policy = $1 AND expires <> $2 AND state = 'active'",
  expiredGrants: `SELECT ${GRANT_COLUMNS} FROM time_bound_grants WHERE state = 'active' AND expires <= $1 ORDER BY expires, policy`,
  allGrants: `SELECT ${GRANT_COLUMNS} FROM time_bound_grants ORDER BY expires, policy`,
  markGrantRemoval: "UPDATE time_bound_grants SET state = 'removal-opened', removal_number = $3, removal_url = $4, updated_at = $5 WHERE policy = $1 AND expires = $2 AND state = 'active'",
  /** One sweeper at a time opens a grant's removal: $1 policy, $2 expires, $3 sweeper, $4 claimed until, $5 now. */
  claimGrant: "UPDATE time_bound_grants SET claimed_by = $3, claimed_until = $4, updated_at = $5 WHERE policy = $1 AND expires = $2 AND state = 'active' AND (claimed_until IS NULL OR claimed_until < $5 OR claimed_by = $3)",
  markGrantGone: "UPDATE time_bound_grants SET state = 'gone', updated_at = $3 WHERE policy = $1 AND expires = $2 AND state = 'active'",
  /** The engine refused the removal (it would grant access): left for a person, $3 the reason, $4 now. */
  markGrantRefused: "UPDATE time_bound_grants SET state = 'removal-refused', detail = $3, updated_at = $4 WHERE policy = $1 AND expires = $2 AND state = 'active'",
} as const;

/** Ledger rows oldest first, filtered by whatever is given (the filter's values become parameters). */
export function listReviewsQuery(filter: { readonly state?: string; readonly project?: string; readonly change?: number }): { readonly sql: string; readonly params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  for (const [column, value] of [['state', filter.state], ['project', filter.project], ['change_number', filter.change]] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  return { sql: `SELECT ${REVIEW_COLUMNS} FROM review_ledger${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY created_at, project, change_number, patchset`, params };
}
