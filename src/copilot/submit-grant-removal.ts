// Use case `submit-grant-removal`: the sibling of `submit` (submit-proposal.ts) for a proposal that
// removes an expired grant (propose-grant-removal.ts). It refuses (AppError `refused`) a removal the
// engine did not verify, opens the change with the shared change writer (write-review-change.ts): the
// grant's file written without it, or deleted; the commit message carries the evidence, the link to the
// change that added the grant and the `Gic-Expired-Grant:` footer; the Change-Id is derived from the
// grant, so another replica or a restart finds the change instead of opening another. Audited like
// every gic write, and recorded with the proposal; submitting again returns the change.
import { AppError } from '../errors.js';
import { auditedCall } from './audit-call.js';
import { callStages } from './call-stages.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { grantName, isGrantRemovalIntent, removalChangeId } from './grant-removal.js';
import { grantRemovalMessage } from './grant-removal-message.js';
import { changeUrl, type SubmitResult, type SubmittedChange } from './submit-proposal.js';
import { writeReviewChange } from './write-review-change.js';

export interface SubmitGrantRemovalResult extends SubmitResult {
  /** An earlier attempt had opened the change (this one completed or found it). */
  readonly reused: boolean;
}

export async function submitGrantRemoval(deps: CopilotDeps, input: { readonly proposal: string }, ctx: CallContext): Promise<SubmitGrantRemovalResult> {
  return auditedCall(deps, ctx, 'submit-grant-removal', input, async () => {
    const stage = callStages(ctx, 2);
    const proposal = await deps.store.getProposal(input.proposal);
    if (proposal === undefined) throw new AppError('not-found', `no proposal ${input.proposal} in the store`, { details: { proposal: input.proposal } });
    const intent = proposal.intent;
    if (!isGrantRemovalIntent(intent)) throw new AppError('bad-request', `proposal ${proposal.id} is not the removal of an expired grant`, { details: { proposal: proposal.id } });
    const files = [intent.path];
    if (proposal.change !== undefined) {
      const result = { change: proposal.change, files, proposal: proposal.id, alreadySubmitted: true, reused: true };
      return { value: result, outcome: 'ok', detail: `the removal of ${grantName(intent.policy)} was already submitted as ${proposal.change.url}`, evidence: { proposal: proposal.id, change: proposal.change, alreadySubmitted: true } };
    }
    if (!proposal.verified) {
      const blockers = ((proposal.evidence as { blockers?: string[] }).blockers ?? []).slice();
      throw new AppError('refused', `the removal of ${grantName(intent.policy)} is not verified, so gic does not open it${blockers.length > 0 ? `: ${blockers.join('; ')}` : ''}`, { details: { proposal: proposal.id, blockers } });
    }
    if (deps.gerrit === undefined) throw new AppError('not-configured', 'no Gerrit configured for opening the removal change');
    const changeId = removalChangeId(intent);
    stage('gerrit', `opening the removal of ${grantName(intent.policy)} in ${intent.project} (${intent.branch})`);
    const message = grantRemovalMessage(proposal, intent, changeId);
    const written = await writeReviewChange(deps.gerrit, { project: intent.project, branch: intent.branch, message, changeId, path: intent.path, content: intent.deleteFile ? undefined : proposal.yaml }, ctx.signal);
    const change: SubmittedChange = { project: intent.project, number: written.number, url: changeUrl(deps.gerrit.baseUrl, intent.project, written.number), changeId };
    stage('store', 'recording the change with the proposal');
    await deps.store.markProposalSubmitted(proposal.id, change);
    const result: SubmitGrantRemovalResult = { change, files, proposal: proposal.id, alreadySubmitted: false, reused: written.reused };
    const e = proposal.evidence as { diff?: { summary?: unknown } };
    return {
      value: result,
      outcome: 'ok',
      detail: `opened ${change.url} to ${intent.text}${written.reused ? ' (completing the change an earlier attempt opened)' : ''}`,
      evidence: { proposal: proposal.id, policy: intent.policy, expires: intent.expires, origin: intent.origin ?? null, change, files, deleteFile: intent.deleteFile, verified: true, accessDelta: e.diff?.summary ?? null },
    };
  });
}
