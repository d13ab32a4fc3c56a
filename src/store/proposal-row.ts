// A proposal as a row of the `proposals` table (migrations.ts) and back, shared by every store: the
// intent and the evidence are stored as canonical JSON text, `verified` as 0/1, the review change in
// four columns that are all set or all NULL. Records are checked before they are written, so a
// proposal that could not be read back exactly (a non-JSON intent, a bad time) is refused up front.
import { AppError } from '../errors.js';
import { canonicalJson, CanonicalJsonError } from './canonical-json.js';
import type { ProposalRecord } from './store.js';

export type ProposalChange = NonNullable<ProposalRecord['change']>;

/** Insert parameters in the column order of QUERIES.insertProposal. */
export function proposalRowValues(record: ProposalRecord, submittedAt: string | null): (string | number | null)[] {
  checkProposal(record);
  return [
    record.id,
    record.createdAt,
    record.createdBy,
    json(record.intent, 'intent'),
    record.yaml,
    record.verified ? 1 : 0,
    json(record.evidence, 'evidence'),
    record.conversationId ?? null,
    record.change?.project ?? null,
    record.change?.number ?? null,
    record.change?.url ?? null,
    record.change?.changeId ?? null,
    record.change === undefined ? null : submittedAt,
  ];
}

export function checkProposalChange(change: ProposalChange): void {
  const ok =
    typeof change.project === 'string' && change.project !== '' && Number.isSafeInteger(change.number) && change.number > 0 && typeof change.url === 'string' && typeof change.changeId === 'string' && change.changeId !== '';
  if (!ok) throw new AppError('internal', `proposal change refused: project, a positive change number, url and changeId are required (got ${JSON.stringify(change)})`);
}

/** The record a row holds (the row was written by proposalRowValues). */
export function decodeProposalRow(row: Readonly<Record<string, unknown>>): ProposalRecord {
  const id = String(row['id']);
  const number = row['change_number'];
  return {
    id,
    createdAt: String(row['created_at']),
    createdBy: String(row['created_by']),
    intent: parse(row['intent'], id, 'intent'),
    yaml: String(row['yaml']),
    verified: Number(row['verified']) === 1,
    evidence: parse(row['evidence'], id, 'evidence') as Record<string, unknown>,
    ...(row['conversation_id'] === null || row['conversation_id'] === undefined ? {} : { conversationId: String(row['conversation_id']) }),
    ...(number === null || number === undefined
      ? {}
      : { change: { project: String(row['change_project']), number: Number(number), url: String(row['change_url']), changeId: String(row['change_id']) } }),
  };
}

function checkProposal(record: ProposalRecord): void {
  const problems: string[] = [];
  if (typeof record.id !== 'string' || record.id === '') problems.push('id must be a non-empty string');
  if (typeof record.createdAt !== 'string' || Number.isNaN(Date.parse(record.createdAt))) problems.push('createdAt must be an ISO 8601 time');
  if (typeof record.createdBy !== 'string' || record.createdBy === '') problems.push('createdBy must be a non-empty string');
  if (typeof record.yaml !== 'string') problems.push('yaml must be a string');
  if (typeof record.verified !== 'boolean') problems.push('verified must be a boolean');
  if (typeof record.evidence !== 'object' || record.evidence === null || Array.isArray(record.evidence)) problems.push('evidence must be a JSON object');
  if (record.intent === undefined) problems.push('intent is missing');
  if (problems.length > 0) throw new AppError('internal', `proposal ${String(record.id)} refused: ${problems.join('; ')}`);
  if (record.change !== undefined) checkProposalChange(record.change);
}

function json(value: unknown, field: string): string {
  try {
    return canonicalJson(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new AppError('internal', `proposal refused: ${field}${error.path.slice(1)}: ${error.problem}`, { cause: error });
    throw error;
  }
}

function parse(value: unknown, id: string, field: string): unknown {
  try {
    return JSON.parse(String(value)) as unknown;
  } catch (error) {
    throw new AppError('store-corrupt', `proposal ${id}: the stored ${field} is not JSON`, { cause: error });
  }
}
