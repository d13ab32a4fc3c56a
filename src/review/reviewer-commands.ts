// Reviewer commands (issue 14 §3): a comment on the change that starts a line with `@gic explain`,
// `@gic why <namespace/workload>` or `@gic check <request JSON>` is answered by a reply in the same
// thread (in_reply_to), once. The comment text is untrusted: it is parsed for the command word and its
// argument only, never handed to the model, and the one write it can cause is that reply: no vote, no
// label, no other comment. `explain` answers with the patch set's review facts (the model's grounded note
// when configured); `why` and `check` with the engine's explanation on the configured mesh (before the change).
import { createCopilot } from '../copilot/copilot.js';
import type { CommentInfo } from '../gerrit/change-info.js';
import { accessTable } from './render-review.js';
import { changeRef } from './review-gerrit.js';
import { buildPatchSetReview, type ReviewBotDeps } from './review-patch-set.js';

export type ReviewerCommand = { readonly kind: 'explain' } | { readonly kind: 'why'; readonly workload: string } | { readonly kind: 'check'; readonly request: string } | { readonly kind: 'unknown'; readonly word: string };

const MAX_ARGUMENT = 4_000;

/** The first `@gic <command>` line of a comment, or undefined. */
export function parseReviewerCommand(message: string): ReviewerCommand | undefined {
  const match = /^[ \t]*@gic[ \t]+([a-z-]+)[ \t]*(.*)$/im.exec(message.slice(0, 20_000));
  if (match === null) return undefined;
  const word = (match[1] ?? '').toLowerCase();
  const rest = message.slice((match.index ?? 0) + match[0].indexOf(match[2] ?? '')).trim().slice(0, MAX_ARGUMENT);
  if (word === 'explain') return { kind: 'explain' };
  if (word === 'why') {
    const workload = /^([a-z0-9-]{1,63}\/[a-z0-9.-]{1,253})\b/.exec(match[2]?.trim() ?? '')?.[1];
    return workload === undefined ? { kind: 'unknown', word: 'why (give namespace/workload)' } : { kind: 'why', workload };
  }
  if (word === 'check') return { kind: 'check', request: rest };
  return { kind: 'unknown', word };
}

const HELP = 'gic answers `@gic explain` (this patch set\'s review facts), `@gic why <namespace/workload>` and `@gic check <request JSON>` (on the mesh before this change).';

async function answer(deps: ReviewBotDeps, project: string, change: number, patchset: number, command: ReviewerCommand): Promise<string> {
  const ctx = { actor: 'bot:gic', action: `review:command:${command.kind}` };
  switch (command.kind) {
    case 'explain': {
      const review = await buildPatchSetReview(deps, { project, change, patchset });
      if (review.result === undefined) return `gic: patch set ${patchset} touches no policy file.`;
      const r = review.result;
      const lines = [`gic: ${r.summary}`, '', ...accessTable(r)];
      if (r.explanation?.by === 'model') lines.push('', '--- Note written by the in-cluster model (not a verdict) ---', r.explanation.text);
      return lines.join('\n');
    }
    case 'why':
    case 'check': {
      let subject: { workload: string } | { request: unknown };
      if (command.kind === 'why') subject = { workload: command.workload };
      else {
        try {
          subject = { request: JSON.parse(command.request) as unknown };
        } catch {
          return `gic: the request is not JSON. ${HELP}`;
        }
      }
      try {
        const result = await createCopilot(deps.copilot).explain({ subject, useModel: false }, ctx);
        return `gic (on the mesh before this change): ${result.text}`;
      } catch (error) {
        return `gic could not answer: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    case 'unknown':
      return `gic does not know "@gic ${command.word}". ${HELP}`;
  }
}

/** Answers every `@gic` comment on the change that gic has not answered yet; returns how many it answered. */
export async function answerReviewerCommands(deps: ReviewBotDeps, project: string, change: number, signal?: AbortSignal): Promise<number> {
  const options = signal === undefined ? {} : { signal };
  const id = changeRef(project, change);
  const byPath = await deps.gerrit.listComments(id, options);
  const all: (CommentInfo & { path: string })[] = Object.entries(byPath).flatMap(([path, list]) => list.map((c) => ({ ...c, path })));
  const replyTag = `${deps.settings.tag}:reply`;
  const answered = new Set(all.filter((c) => c.tag === replyTag && c.in_reply_to != null).map((c) => c.in_reply_to));
  let count = 0;
  for (const c of all) {
    if (answered.has(c.id) || (c.tag ?? '').startsWith(deps.settings.tag) || (deps.settings.account !== undefined && c.author?.username === deps.settings.account)) continue;
    const command = parseReviewerCommand(c.message ?? '');
    if (command === undefined || c.patch_set == null) continue;
    const reply = await answer(deps, project, change, c.patch_set, command);
    const change_ = await deps.gerrit.getChange(id, { ...options, options: ['ALL_REVISIONS'] });
    const revision = Object.entries(change_.revisions ?? {}).find(([, r]) => r._number === c.patch_set)?.[0] ?? 'current';
    // Its own tag, so the reply is never taken for the patch set's review (the tag marks that one).
    await deps.gerrit.setReview(id, revision, { tag: replyTag, notify: 'NONE', comments: { [c.path]: [{ in_reply_to: c.id, message: reply, unresolved: false, ...(c.line != null ? { line: c.line } : {}), ...(c.side === 'PARENT' ? { side: 'PARENT' as const } : {}) }] } }, options);
    count++;
  }
  return count;
}
