// The review gic posts for one patch set, from the copilot's ReviewResult (pure): inline comments grouped
// per line (several problems on one line become one comment), errors first, capped at `maxComments`
// with the message saying how many were left out; the message with the access delta as a table (who
// gains, who loses, on which workload, a witness each), validation, dry-run and findings by level; the
// vote on the label only when the label exists on the change (else no vote and a note saying so); the
// model's note, when there is one, clearly marked. Nothing here talks to Gerrit.
import type { ReviewComment, ReviewResult } from '../copilot/review-change.js';
import type { CommentInput, ReviewInput } from '../gerrit/change-info.js';
import type { ReviewBotSettings } from './review-settings.js';

export interface RenderedReview {
  /** The body of `POST .../review`. */
  readonly input: ReviewInput;
  /** The vote the review carries (0: none). */
  readonly vote: -1 | 0 | 1;
  /** The comments as posted, flattened (path, line, message). */
  readonly comments: readonly ReviewComment[];
  readonly message: string;
  /** Comments left out by the cap. */
  readonly omitted: number;
}

const TABLE_ROWS = 25;

function rank(message: string): number {
  if (message.startsWith('error') || /^GIC\d+ \(error\)/.test(message)) return 0;
  if (message.startsWith('warning') || /^GIC\d+ \(warning\)/.test(message)) return 1;
  return 2;
}

/** One comment per (path, line), most severe first, in file and line order within a severity. */
export function groupComments(comments: readonly ReviewComment[]): ReviewComment[] {
  const byLine = new Map<string, ReviewComment[]>();
  for (const c of comments) {
    const k = `${c.path}\0${c.line}`;
    byLine.set(k, [...(byLine.get(k) ?? []), c]);
  }
  const grouped = [...byLine.values()].map((group) => {
    const sorted = [...group].sort((a, b) => rank(a.message) - rank(b.message));
    const unique = [...new Set(sorted.map((c) => c.message))];
    return { path: group[0]!.path, line: group[0]!.line, message: unique.join('\n\n') };
  });
  return grouped.sort((a, b) => rank(a.message) - rank(b.message) || a.path.localeCompare(b.path) || a.line - b.line);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** The access delta as a table: one row per changed decision, with its witness request. */
export function accessTable(result: ReviewResult): string[] {
  const changes = result.diff.changes;
  const s = result.diff.summary;
  const lines = [`Access delta (exact): ${s.granted} granted, ${s.revoked} revoked, ${s.changed} changed`];
  if (changes.length === 0) return lines;
  lines.push('', '| Effect | Workload | Who, what | Witness request |', '|---|---|---|---|');
  for (const c of changes.slice(0, TABLE_ROWS)) {
    const effect = c.after === 'ALLOW' ? 'gains' : c.before === 'ALLOW' ? 'loses' : 'changes';
    lines.push(`| ${effect} (${c.before} -> ${c.after}) | ${c.workload.namespace}/${c.workload.name}${c.onlyIn !== undefined ? ` (only ${c.onlyIn})` : ''} | ${cell(c.summary)} | \`${cell(JSON.stringify(c.witness))}\` |`);
  }
  if (changes.length > TABLE_ROWS) lines.push('', `... ${changes.length - TABLE_ROWS} more rows left out (gic diff lists them all).`);
  return lines;
}

export function renderReview(result: ReviewResult, settings: Pick<ReviewBotSettings, 'label' | 'tag' | 'maxComments' | 'notify'>, options: { readonly labelAvailable: boolean; readonly patchset: number }): RenderedReview {
  const grouped = groupComments(result.comments);
  const kept = grouped.slice(0, settings.maxComments);
  const omitted = grouped.length - kept.length;
  const vote: -1 | 0 | 1 = options.labelAvailable ? result.vote : 0;
  const verdict = result.vote === 0 ? 'no Istio security resource changed' : result.verified ? 'verified' : 'NOT verified';
  const lines = [`gic policy review of patch set ${options.patchset}: ${verdict}`, ''];
  lines.push(...accessTable(result), '');
  const v = result.validation.summary;
  lines.push(`Validation: ${v.resources} resource(s), ${v.errors} error(s), ${v.warnings} warning(s)`);
  const rejected = result.dryRun.results.filter((r) => !r.accepted);
  lines.push(`Dry-run: ${result.dryRun.results.length === 0 ? 'nothing to dry-run' : rejected.length === 0 ? `accepted (${result.dryRun.results[0]?.mode ?? 'offline'})` : `${rejected.length} rejected (${rejected.map((r) => `${r.kind} ${r.namespace}/${r.name}`).join(', ')})`}`);
  const count = (level: string): number => result.findings.filter((f) => f.level === level).length;
  lines.push(`Findings: ${count('error')} error, ${count('warning')} warning, ${count('info')} info; introduced by this patch set: ${result.newFindings.length === 0 ? 'none' : result.newFindings.map((f) => `${f.code} (${f.level})`).join(', ')}`);
  if (result.inputErrors.length > 0) lines.push(`Input errors: ${result.inputErrors.length} (the engine could not read part of the input, so nothing here is verified): ${result.inputErrors.slice(0, 5).map((e) => `${e.file}:${e.line} ${e.message}`).join('; ')}`);
  if (omitted > 0) lines.push(`Inline comments: ${kept.length} posted, ${omitted} more left out (run gic review for all of them).`);
  if (result.vote !== 0 && !options.labelAvailable) lines.push(`No vote: the label ${settings.label} does not exist on this change (or gic may not vote on it); the review would have voted ${result.vote > 0 ? '+1' : '-1'}.`);
  else if (vote !== 0) lines.push(`Vote: ${settings.label} ${vote > 0 ? '+1' : '-1'}`);
  if (result.explanation?.by === 'model') lines.push('', '--- Note written by the in-cluster model (not a verdict; the facts above decide) ---', result.explanation.text);
  const message = lines.join('\n');
  const comments: Record<string, CommentInput[]> = {};
  for (const c of kept) (comments[c.path] ??= []).push({ line: Math.max(1, c.line), message: c.message, unresolved: rank(c.message) === 0 });
  const input: ReviewInput = {
    message,
    tag: settings.tag,
    ...(vote !== 0 ? { labels: { [settings.label]: vote } } : {}),
    ...(kept.length > 0 ? { comments } : {}),
    notify: settings.notify,
    omit_duplicate_comments: true,
  };
  return { input, vote, comments: kept, message, omitted };
}
