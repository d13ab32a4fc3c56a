// The store's queries in portable SQL (PostgreSQL `$n` parameters; the SQLite store rewrites them), so
// that every implementation of Store reads and writes the same tables the same way. Only locking is
// left to each store: SQLite serializes writers with BEGIN IMMEDIATE, PostgreSQL locks the chain head
// row (`auditHeadForUpdate`).
import { AUDIT_COLUMNS } from './audit-row.js';

const placeholders = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

const PROPOSAL_COLUMNS = ['id', 'created_at', 'created_by', 'intent', 'yaml', 'verified', 'evidence', 'conversation_id', 'change_project', 'change_number', 'change_url', 'change_id', 'submitted_at'] as const;

export const QUERIES = {
  auditHead: 'SELECT seq, hash FROM audit_head WHERE id = 1',
  /** PostgreSQL: the same row, locked until the transaction ends (serializes appends across replicas). */
  auditHeadForUpdate: 'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
  auditTail: 'SELECT seq, hash, time FROM audit_log ORDER BY seq DESC LIMIT 1',
  insertAudit: `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders(AUDIT_COLUMNS.length)})`,
  updateAuditHead: 'UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1',
  /** Every row in seq order (verification). */
  auditAll: `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log ORDER BY seq`,

  insertProposal: `INSERT INTO proposals (${PROPOSAL_COLUMNS.join(', ')}) VALUES (${placeholders(PROPOSAL_COLUMNS.length)})`,
  proposalById: `SELECT ${PROPOSAL_COLUMNS.join(', ')} FROM proposals WHERE id = $1`,
  markProposalSubmitted:
    'UPDATE proposals SET change_project = $2, change_number = $3, change_url = $4, change_id = $5, submitted_at = $6 WHERE id = $1 AND change_number IS NULL',

  insertConversation: 'INSERT INTO conversations (id, created_at, created_by) VALUES ($1, $2, $3)',
  conversationById: 'SELECT id, created_at, created_by FROM conversations WHERE id = $1',
  turnsOf: 'SELECT turn, role, text, time, data FROM conversation_turns WHERE conversation_id = $1 ORDER BY turn',
  lastTurn: 'SELECT COALESCE(MAX(turn), -1) AS last FROM conversation_turns WHERE conversation_id = $1',
  insertTurn: 'INSERT INTO conversation_turns (conversation_id, turn, role, text, time, data) VALUES ($1, $2, $3, $4, $5, $6)',
} as const;

/** Audit rows in seq order, bounded by time (inclusive) when `since` / `until` are given. */
export function auditRangeQuery(range: { readonly since?: string; readonly until?: string }): { readonly sql: string; readonly params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  if (range.since !== undefined) {
    params.push(range.since);
    where.push(`time >= $${params.length}`);
  }
  if (range.until !== undefined) {
    params.push(range.until);
    where.push(`time <= $${params.length}`);
  }
  return {
    sql: `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_log${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY seq`,
    params,
  };
}
