// Use case `submit` (docs/cli.md `gic submit`, MCP `policy_submit_for_review`): opens a Gerrit change
// in the policy repository with a verified proposal's YAML at `<path>/<namespace>/<name>.yaml` and a
// commit message carrying the evidence and a Change-Id. It is the only write gic makes anywhere, and it
// goes to review, never to a cluster. It refuses (AppError `refused`, exit 3) a proposal that is not
// verified, and, when the mesh is at hand, one that no longer verifies against it. Submitting again is
// idempotent: the change already opened for the proposal is returned (its Change-Id is derived from the
// proposal), and a change left half-made by an interrupted submit is completed.
import { AppError } from '../errors.js';
import type { ProposalRecord } from '../store/store.js';
import { auditedCall } from './audit-call.js';
import { callStages } from './call-stages.js';
import { changeIdFor, commitMessage, type ProposalEvidence } from './commit-message.js';
import type { CallContext, CopilotDeps, PolicyRepo } from './deps.js';
import { isGrantRemovalIntent } from './grant-removal.js';
import { parseIntent } from './propose-policy.js';
import { requireGerrit } from './require-deps.js';
import { verifyIntent } from './verify-intent.js';
import { writeReviewChange } from './write-review-change.js';

export interface SubmitInput {
  /** The proposal id (from propose or draft). */
  readonly proposal: string;
}

export interface SubmittedChange {
  readonly project: string;
  readonly number: number;
  readonly url: string;
  readonly changeId: string;
}

export interface SubmitResult {
  readonly change: SubmittedChange;
  /** Files the change writes (repository paths). */
  readonly files: readonly string[];
  readonly proposal: string;
  /** The proposal had been submitted before: nothing new was written. */
  readonly alreadySubmitted: boolean;
}

export function changeUrl(baseUrl: string, project: string, number: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/c/${encodeURIComponent(project)}/+/${number}`;
}

/** `<path>/<namespace>/<name>.yaml` in the policy repository. */
export function proposalPath(repo: PolicyRepo, proposal: ProposalRecord): string {
  const e = proposal.evidence as ProposalEvidence;
  if (e.policy === undefined) throw new AppError('internal', `proposal ${proposal.id} has no policy name in its evidence`);
  return `${repo.path}/${e.policy.namespace}/${e.policy.name}.yaml`;
}

function refuse(message: string, details: Record<string, unknown>): AppError {
  return new AppError('refused', message, { details });
}

export async function submitProposal(deps: CopilotDeps, input: SubmitInput, ctx: CallContext): Promise<SubmitResult> {
  return auditedCall(deps, ctx, 'submit', input, async () => {
    const stage = callStages(ctx, 4);
    const proposal = await deps.store.getProposal(input.proposal);
    if (proposal === undefined) throw new AppError('not-found', `no proposal ${input.proposal} in the store`, { details: { proposal: input.proposal } });
    if (isGrantRemovalIntent(proposal.intent)) throw new AppError('bad-request', `proposal ${proposal.id} removes an expired grant (${proposal.intent.policy}): the review bot's grant sweeper submits it, not submit`, { details: { proposal: proposal.id } });
    if (proposal.change !== undefined) {
      const files = deps.settings.policyRepo !== undefined ? [proposalPath(deps.settings.policyRepo, proposal)] : [];
      const result: SubmitResult = { change: proposal.change, files, proposal: proposal.id, alreadySubmitted: true };
      return { value: result, outcome: 'ok', detail: `proposal ${proposal.id} was already submitted as ${proposal.change.url}`, evidence: { proposal: proposal.id, change: proposal.change, alreadySubmitted: true } };
    }
    if (!proposal.verified) {
      const blockers = (proposal.evidence as ProposalEvidence).blockers ?? [];
      throw refuse(`proposal ${proposal.id} is not verified, so it cannot be submitted${blockers.length > 0 ? `: ${blockers.join('; ')}` : ''}`, { proposal: proposal.id, blockers });
    }
    const { gerrit, repo } = requireGerrit(deps);
    const path = proposalPath(repo, proposal);
    const changeId = changeIdFor(proposal.id, repo.project, repo.branch);
    if (deps.mesh !== undefined) {
      const snapshot = deps.mesh.snapshot();
      const again = await verifyIntent(deps, parseIntent(proposal.intent), snapshot, deps.mesh.origin, ctx, stage);
      if (!again.verified) throw refuse(`proposal ${proposal.id} no longer verifies against the mesh (${deps.mesh.origin}): ${again.blockers.join('; ')}; propose it again`, { proposal: proposal.id, blockers: again.blockers });
      if (again.yaml !== proposal.yaml) throw refuse(`proposal ${proposal.id} compiles differently against the current mesh (${deps.mesh.origin}); propose it again`, { proposal: proposal.id });
    }
    stage('gerrit', `opening a change in ${repo.project} (${repo.branch})`);
    const message = commitMessage(proposal, changeId, parseIntent(proposal.intent));
    const written = await writeReviewChange(gerrit, { project: repo.project, branch: repo.branch, message, changeId, path, content: proposal.yaml }, ctx.signal);
    const change: SubmittedChange = { project: repo.project, number: written.number, url: changeUrl(gerrit.baseUrl, repo.project, written.number), changeId };
    stage('store', 'recording the change with the proposal');
    await deps.store.markProposalSubmitted(proposal.id, change);
    const result: SubmitResult = { change, files: [path], proposal: proposal.id, alreadySubmitted: false };
    return {
      value: result,
      outcome: 'ok',
      detail: `opened ${change.url} for proposal ${proposal.id}${written.reused ? ' (completing the change an earlier submit opened)' : ''}`,
      evidence: { proposal: proposal.id, change, files: [path], verified: true, accessDelta: (proposal.evidence as ProposalEvidence).diff?.summary },
    };
  });
}
