// The review gic posts for one patch set, from the copilot's ReviewResult (pure): inline comments grouped
// per line (several problems on one line become one comment), errors first, capped at `maxComments`
// with the message saying how many were left out; the message with the access delta as a table (who
// gains, who loses, on which workload, a witness each), validation, dry-run and findings by level; the
// vote on the label only when the label exists on the change (else no vote and a note saying so); the
// model's note, when there is one, clearly marked. Mechanical fixes go out as Gerrit fix suggestions in the
// way the server takes them (fix-suggestion-mode.ts), with a text-only twin of the review to fall back
// on when the server refuses them. Nothing here talks to Gerrit.
import type { ReviewComment, ReviewResult } from '../copilot/review-change.js';
import type { ReviewFix } from '../copilot/review-fixes.js';
import type { CommentInput, ReviewInput, RobotCommentInput } from '../gerrit/change-info.js';
import type { FixSuggestionMode } from './fix-suggestion-mode.js';
import type { ReviewBotSettings } from './review-settings.js';

export interface RenderedReview {
  /** The body of `POST .../review`. */
  readonly input: ReviewInput;
  /** The same review with the fixes only in the comment text; present when `input` carries fix suggestions. */
  readonly textInput?: ReviewInput;
  /** How `input` carries the fix suggestions (`text` when it carries none). */
  readonly fixSuggestions: FixSuggestionMode;
  /** The vote the review carries (0: none). */
  readonly vote: -1 | 0 | 1;
  /** The comments as posted, flattened (path, line, message, the fixes). */
  readonly comments: readonly GroupedComment[];
  readonly message: string;
  /** Comments left out by the cap. */
  readonly omitted: number;
}

const TABLE_ROWS = 25;

/** The comments of one line, with the fixes they carry. */
export interface GroupedComment {
  readonly path: string;
  readonly line: number;
  readonly message: string;
  readonly fixes?: readonly ReviewFix[];
}

/** Identifies the robot run of a review (Gerrit groups robot comments by run). */
const ROBOT_ID = 'gic';

function rank(message: string): number {
  if (message.startsWith('error') || /^GIC\d+ \(error\)/.test(message)) return 0;
  if (message.startsWith('warning') || /^GIC\d+ \(warning\)/.test(message)) return 1;
  return 2;
}

function overlaps(a: ReviewFix, b: ReviewFix): boolean {
  const pos = (line: number, character: number): number => line * 1e6 + character;
  return a.replacements.some((x) =>
    b.replacements.some((y) => x.path === y.path && pos(x.range.start_line, x.range.start_character) < pos(y.range.end_line, y.range.end_character) + 1 && pos(y.range.start_line, y.range.start_character) < pos(x.range.end_line, x.range.end_character) + 1),
  );
}

/** The fixes of comments grouped on one line: each once, none touching text another already changes. */
function groupFixes(fixes: readonly ReviewFix[]): ReviewFix[] {
  const kept: ReviewFix[] = [];
  for (const fix of fixes) if (!kept.some((k) => overlaps(k, fix))) kept.push(fix);
  return kept;
}

/** One comment per (path, line), most severe first, in file and line order within a severity. */
export function groupComments(comments: readonly ReviewComment[]): GroupedComment[] {
  const byLine = new Map<string, ReviewComment[]>();
  for (const c of comments) {
    const k = `${c.path}\0${c.line}`;
    byLine.set(k, [...(byLine.get(k) ?? []), c]);
  }
  const grouped = [...byLine.values()].map((group) => {
    const sorted = [...group].sort((a, b) => rank(a.message) - rank(b.message));
    const unique = [...new Set(sorted.map((c) => c.message))];
    const fixes = groupFixes(sorted.flatMap((c) => (c.fix === undefined ? [] : [c.fix])));
    return { path: group[0]!.path, line: group[0]!.line, message: unique.join('\n\n'), ...(fixes.length > 0 ? { fixes } : {}) };
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

export interface RenderOptions {
  readonly labelAvailable: boolean;
  readonly patchset: number;
  /** How fix suggestions are posted; default `text` (only in the comment). */
  readonly fixSuggestions?: FixSuggestionMode;
}

export function renderReview(result: ReviewResult, settings: Pick<ReviewBotSettings, 'label' | 'tag' | 'maxComments' | 'notify'>, options: RenderOptions): RenderedReview {
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
  if (result.vote !== 0 && result.blockers.length > 0) lines.push(`Not verified because: ${result.blockers.join('; ')}`);
  if (result.inputErrors.length > 0) lines.push(`Input errors: ${result.inputErrors.length} (the engine could not read part of the input, so nothing here is verified): ${result.inputErrors.slice(0, 5).map((e) => `${e.file}:${e.line} ${e.message}`).join('; ')}`);
  if (omitted > 0) lines.push(`Inline comments: ${kept.length} posted, ${omitted} more left out (run gic review for all of them).`);
  if (result.vote !== 0 && !options.labelAvailable) lines.push(`No vote: the label ${settings.label} does not exist on this change (or gic may not vote on it); the review would have voted ${result.vote > 0 ? '+1' : '-1'}.`);
  else if (vote !== 0) lines.push(`Vote: ${settings.label} ${vote > 0 ? '+1' : '-1'}`);
  if (result.explanation?.by === 'model') lines.push('', '--- Note written by the in-cluster model (not a verdict; the facts above decide) ---', result.explanation.text);
  const message = lines.join('\n');
  const mode = kept.some((c) => c.fixes !== undefined) ? (options.fixSuggestions ?? 'text') : 'text';
  const bodyOf = (how: FixSuggestionMode): ReviewInput => {
    const comments: Record<string, CommentInput[]> = {};
    const robotComments: Record<string, RobotCommentInput[]> = {};
    for (const c of kept) {
      const comment: CommentInput = { line: Math.max(1, c.line), message: c.message, unresolved: rank(c.message) === 0 };
      const fixSuggestions = (c.fixes ?? []).map((f) => ({ description: f.description, replacements: f.replacements }));
      if (fixSuggestions.length === 0 || how === 'text') (comments[c.path] ??= []).push(comment);
      else if (how === 'comments') (comments[c.path] ??= []).push({ ...comment, fix_suggestions: fixSuggestions });
      else (robotComments[c.path] ??= []).push({ ...comment, robot_id: ROBOT_ID, robot_run_id: `${settings.tag}/${options.patchset}`, fix_suggestions: fixSuggestions });
    }
    return {
      message,
      tag: settings.tag,
      ...(vote !== 0 ? { labels: { [settings.label]: vote } } : {}),
      ...(Object.keys(comments).length > 0 ? { comments } : {}),
      ...(Object.keys(robotComments).length > 0 ? { robot_comments: robotComments } : {}),
      notify: settings.notify,
      omit_duplicate_comments: true,
    };
  };
  const input = bodyOf(mode);
  return { input, ...(mode !== 'text' ? { textInput: bodyOf('text') } : {}), fixSuggestions: mode, vote, comments: kept, message, omitted };
}
