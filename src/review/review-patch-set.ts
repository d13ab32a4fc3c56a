// Reviewing one patch set end to end, shared by the queue worker and `gic review`: read the change
// (status, current patch set, the label gic may vote on, the reviews gic already posted), read its
// policy files before and after, run the copilot's `review` against the base mesh, render the review,
// and post it once. Decisions that end a ledger entry are values (`skipped` with the reason, `posted`
// with the vote); Gerrit or cluster failures propagate as errors so the worker retries them.
import type { ReviewResult } from '../copilot/review-change.js';
import type { CallContext, CopilotDeps } from '../copilot/deps.js';
import { inputsHash } from '../copilot/inputs-hash.js';
import { reviewChange } from '../copilot/review-change.js';
import { AppError } from '../errors.js';
import type { ChangeInfo } from '../gerrit/change-info.js';
import type { MeshSnapshot } from '../kube/mesh-source.js';
import { repositoryBaseMesh } from '../copilot/repository-base-mesh.js';
import { loadBranchPolicyFiles } from './branch-policy-files.js';
import { loadPolicyFiles } from './policy-files.js';
import { GerritApiError } from '../gerrit/gerrit-api-error.js';
import { type FixSuggestionMode, fixSuggestionMode } from './fix-suggestion-mode.js';
import { renderReview, type RenderedReview } from './render-review.js';
import { changeRef, type ReviewGerrit } from './review-gerrit.js';
import type { ReviewBotSettings } from './review-settings.js';

export interface PatchSetRef {
  readonly project: string;
  readonly change: number;
  /** Absent: the current patch set. */
  readonly patchset?: number;
}

export interface PatchSetReview {
  readonly project: string;
  readonly change: number;
  readonly patchset: number;
  readonly revision: string;
  /** The change's current patch set (newer than `patchset` when it was superseded). */
  readonly currentPatchset: number;
  readonly status: string;
  /** gic already posted a review (its tag) on this patch set. */
  readonly alreadyPosted: boolean;
  readonly labelAvailable: boolean;
  readonly files: readonly string[];
  /** Absent when the patch set touches no policy file. */
  readonly result?: ReviewResult;
  readonly rendered?: RenderedReview;
}

export interface ReviewBotDeps {
  readonly copilot: CopilotDeps;
  readonly gerrit: ReviewGerrit;
  readonly settings: ReviewBotSettings;
}

const BOT_CONTEXT: CallContext = { actor: 'bot:gic', action: 'review:check' };

function revisionOf(change: ChangeInfo, patchset: number): string | undefined {
  return Object.entries(change.revisions ?? {}).find(([, r]) => r._number === patchset)?.[0];
}

/**
 * The mesh the patch set is diffed against (settings.base): the configured mesh, or the target branch's
 * policy files read through Gerrit plus the configured mesh's workloads. Gerrit failing throws (retry).
 */
async function baseMesh(deps: ReviewBotDeps, id: string, revision: string, signal?: AbortSignal): Promise<MeshSnapshot> {
  const configured = deps.copilot.mesh?.snapshot();
  if (deps.settings.base === 'repository') return repositoryBaseMesh(await loadBranchPolicyFiles(deps.gerrit, id, revision, deps.settings.path, signal), configured);
  if (configured === undefined) throw new AppError('not-configured', 'the review bot needs a mesh (--mesh or a cluster) to review against, or review.base: repository');
  return configured;
}

/** Reads the change and builds its review (nothing is posted). */
export async function buildPatchSetReview(deps: ReviewBotDeps, ref: PatchSetRef, signal?: AbortSignal): Promise<PatchSetReview> {
  const id = changeRef(ref.project, ref.change);
  const options = signal === undefined ? {} : { signal };
  const change = await deps.gerrit.getChange(id, { ...options, options: ['ALL_REVISIONS', 'MESSAGES', 'DETAILED_LABELS'] });
  const currentPatchset = change.current_revision_number ?? change.revisions?.[change.current_revision ?? '']?._number ?? 0;
  const patchset = ref.patchset ?? currentPatchset;
  const revision = revisionOf(change, patchset);
  if (revision === undefined) throw new AppError('not-found', `change ${id} has no patch set ${patchset} (current: ${currentPatchset})`, { details: { change: id, patchset } });
  const alreadyPosted = (change.messages ?? []).some((m) => m.tag === deps.settings.tag && m._revision_number === patchset);
  const labelAvailable = (change.permitted_labels?.[deps.settings.label] ?? []).length > 0;
  const common = { project: ref.project, change: ref.change, patchset, revision, currentPatchset, status: change.status, alreadyPosted, labelAvailable };
  const files = await loadPolicyFiles(deps.gerrit, id, revision, deps.settings.path, signal);
  if (files.length === 0) return { ...common, files: [] };
  const base = await baseMesh(deps, id, revision, signal);
  const commitMessage = change.revisions?.[revision]?.commit?.message ?? change.subject;
  const result = await reviewChange(deps.copilot, { base, files, useModel: deps.settings.useModel, commitMessage, failOn: deps.settings.failOn }, { ...BOT_CONTEXT, ...(signal !== undefined ? { signal } : {}) });
  const fixSuggestions = result.comments.some((c) => c.fix !== undefined) ? await fixSuggestionMode(deps.gerrit, deps.settings.fixSuggestions, deps.copilot.clock().getTime(), signal) : 'text';
  const rendered = renderReview(result, deps.settings, { labelAvailable, patchset, fixSuggestions });
  return { ...common, files: files.map((f) => f.path), result, rendered };
}

/** Gerrit's answer to fix suggestions it does not take: a bad request, or the failed check of a disabled feature. */
function refusesFixes(error: unknown): boolean {
  return GerritApiError.isGerritApiError(error) && (error.status === 400 || error.status === 405 || error.status === 422 || error.status === 500 || error.status === 501);
}

/**
 * Posts the review with its fix suggestions; when Gerrit refuses them, posts it again without them (the
 * fix stays in the comment text) unless the first post did land after all (a message with gic's tag on
 * the patch set): `found` then. Returns how the fixes went out.
 */
async function postWithFixFallback(deps: ReviewBotDeps, review: PatchSetReview, rendered: RenderedReview, signal?: AbortSignal): Promise<FixSuggestionMode | 'text (refused)' | 'found'> {
  const id = changeRef(review.project, review.change);
  const options = signal === undefined ? {} : { signal };
  try {
    await deps.gerrit.setReview(id, review.revision, rendered.input, options);
    return rendered.fixSuggestions;
  } catch (error) {
    if (rendered.textInput === undefined || !refusesFixes(error)) throw error;
    const change = await deps.gerrit.getChange(id, { ...options, options: ['MESSAGES'] });
    if ((change.messages ?? []).some((m) => m.tag === deps.settings.tag && m._revision_number === review.patchset)) return 'found';
    await deps.gerrit.setReview(id, review.revision, rendered.textInput, options);
    return 'text (refused)';
  }
}

export type PatchSetOutcome = { readonly state: 'posted'; readonly vote: -1 | 0 | 1; readonly detail: string } | { readonly state: 'skipped'; readonly detail: string };

/** Why the bot leaves a patch set alone, or undefined when it should review it. */
export function skipReason(review: Pick<PatchSetReview, 'status' | 'patchset' | 'currentPatchset' | 'files'>): string | undefined {
  if (review.status !== 'NEW') return `the change is ${review.status.toLowerCase()}`;
  if (review.currentPatchset > review.patchset) return `superseded by patch set ${review.currentPatchset} before it was reviewed`;
  if (review.files.length === 0) return 'the patch set touches no policy file';
  return undefined;
}

/** Posts a built review (unless gic already did on that patch set, or it is to be skipped). */
export async function postPatchSetReview(deps: ReviewBotDeps, review: PatchSetReview, signal?: AbortSignal): Promise<PatchSetOutcome> {
  if (review.alreadyPosted) return { state: 'posted', vote: 0, detail: `gic had already posted its review on patch set ${review.patchset}` };
  const skip = skipReason(review);
  if (skip !== undefined || review.rendered === undefined) return { state: 'skipped', detail: skip ?? 'nothing to post' };
  const posted = await postWithFixFallback(deps, review, review.rendered, signal);
  if (posted === 'found') return { state: 'posted', vote: 0, detail: `gic had already posted its review on patch set ${review.patchset}` };
  await deps.copilot.store.appendAudit({
    actor: 'bot:gic',
    action: 'review:post',
    inputsHash: inputsHash({ project: review.project, change: review.change, patchset: review.patchset, revision: review.revision }),
    outcome: 'ok',
    detail: `posted the review of ${review.project}~${review.change}/${review.patchset}: ${review.result?.summary ?? ''}`,
    evidence: { change: `${review.project}~${review.change}`, patchset: review.patchset, vote: review.rendered.vote, label: deps.settings.label, labelAvailable: review.labelAvailable, comments: review.rendered.comments.length, fixSuggestions: posted },
  });
  return { state: 'posted', vote: review.rendered.vote, detail: review.result?.summary ?? 'posted' };
}
