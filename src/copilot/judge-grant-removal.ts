// Whether the engine lets gic remove an expired grant on its own (issue 14 §4), judged from the review
// of the removal (review-change.ts: the file after the removal parsed and validated, dry-run, analyzers,
// the exact access diff between the branch's policies with and without the grant). A removal may only
// take access away: every change in the diff must be a revocation. One that lets any request gain access
// (the grant was a DENY, or the last ALLOW on its workload, whose removal opens it to everyone) or
// changes a decision otherwise is refused, and a person decides. An empty diff is allowed and said: the
// grant decides nothing any more (another policy already decides its requests alike). Pure.
import { changeKind } from '../policy/diff/describe-change.js';
import type { ReviewResult } from './review-change.js';

export interface GrantRemovalJudgement {
  readonly verified: boolean;
  /** Why it is refused (empty when verified). */
  readonly blockers: readonly string[];
  /** A fact worth saying in the commit message (the empty diff). */
  readonly note?: string;
}

const SHOWN = 3;

export function judgeGrantRemoval(review: ReviewResult, grant: string): GrantRemovalJudgement {
  const blockers: string[] = [];
  const v = review.validation.summary;
  if (v.errors > 0) blockers.push(`the file after the removal does not validate: ${v.errors} error(s)`);
  if (review.inputErrors.length > 0) blockers.push(`the engine could not read ${review.inputErrors.length} input(s): ${review.inputErrors.slice(0, SHOWN).map((e) => `${e.file}:${e.line} ${e.message}`).join('; ')}`);
  const rejected = review.dryRun.results.filter((r) => !r.accepted);
  if (rejected.length > 0) blockers.push(`the dry-run rejects ${rejected.map((r) => `${r.kind} ${r.namespace}/${r.name}`).join(', ')}`);
  const newErrors = review.newFindings.filter((f) => f.level === 'error');
  if (newErrors.length > 0) blockers.push(`the removal introduces error findings: ${newErrors.map((f) => f.code).join(', ')}`);
  const gains = review.diff.changes.filter((c) => changeKind(c.before, c.after) === 'granted');
  const others = review.diff.changes.filter((c) => changeKind(c.before, c.after) === 'changed');
  const show = (changes: typeof gains): string => changes.slice(0, SHOWN).map((c) => `${c.before} -> ${c.after} on ${c.workload.namespace}/${c.workload.name}: ${c.summary}`).join('; ') + (changes.length > SHOWN ? `; and ${changes.length - SHOWN} more` : '');
  if (gains.length > 0) blockers.push(`removing ${grant} would grant access (${gains.length} change(s) gain access: ${show(gains)})`);
  if (others.length > 0) blockers.push(`removing ${grant} would change decisions other than revoking access (${show(others)})`);
  const note = review.diff.changes.length === 0 ? `the grant decides nothing any more: removing it changes no request's decision` : undefined;
  return { verified: blockers.length === 0, blockers, ...(note !== undefined ? { note } : {}) };
}
