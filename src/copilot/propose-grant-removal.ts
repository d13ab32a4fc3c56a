// Use case `propose-grant-removal` (the review bot's grant sweeper, issue 14 §4): the removal of an
// expired time-bound grant as a proposal in the store, verified by the engine before anything is
// written. The review of the removal (the grant's file with and without it, against the branch's
// policies) gives validation, dry-run, findings and the exact access diff; judge-grant-removal.ts
// decides whether gic may open the change on its own (only revocations). The proposal is stored either
// way (its intent says which grant, when it expired and who added it; its content is the file's new
// text, or '' when the file is deleted); an unverified one is audited `refused` and `submit` will refuse
// it, so the sweeper leaves the grant for a person. Recording the same removal again returns the
// proposal already stored.
import type { MeshSnapshot } from '../kube/mesh-source.js';
import type { DiffReport } from '../policy/diff/access-diff.js';
import { auditedCall } from './audit-call.js';
import { callStages } from './call-stages.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { type ExpiredGrant, grantName, grantRemovalIntent, removalProposalId } from './grant-removal.js';
import { judgeGrantRemoval } from './judge-grant-removal.js';
import { computeReview } from './review-change.js';

export interface ProposeGrantRemovalInput {
  readonly grant: ExpiredGrant;
  /** The grant's file at the head of the branch. */
  readonly before: string;
  /** The file without the grant; '' when the grant was its only document (the file is deleted). */
  readonly after: string;
  /** The branch's policies (with the workloads of the configured mesh): what the removal is diffed against. */
  readonly base: MeshSnapshot;
  /** Where `base` came from, recorded with the evidence (e.g. `gerrit:PROJECT/BRANCH + files:...`). */
  readonly baseOrigin: string;
  /** Gerrit's web URL, for the link to the change that added the grant. */
  readonly baseUrl?: string;
}

export interface GrantRemovalProposal {
  readonly proposal: string;
  readonly verified: boolean;
  readonly blockers: readonly string[];
  readonly note?: string;
  readonly accessDelta: DiffReport['summary'];
  /** The proposal had been recorded before (an interrupted sweep): nothing was verified again. */
  readonly existing: boolean;
}

function fromEvidence(id: string, verified: boolean, evidence: Readonly<Record<string, unknown>>): GrantRemovalProposal {
  const e = evidence as { blockers?: string[]; note?: string; diff?: DiffReport };
  return { proposal: id, verified, blockers: e.blockers ?? [], ...(e.note !== undefined ? { note: e.note } : {}), accessDelta: e.diff?.summary ?? { granted: 0, revoked: 0, changed: 0 }, existing: true };
}

export async function proposeGrantRemoval(deps: CopilotDeps, input: ProposeGrantRemovalInput, ctx: CallContext): Promise<GrantRemovalProposal> {
  const { grant } = input;
  const hashed = { grant, before: input.before, after: input.after, base: input.base.resourceVersion };
  return auditedCall(deps, ctx, 'propose-grant-removal', hashed, async (models) => {
    const stage = callStages(ctx, 6);
    const id = removalProposalId(grant, input.after, input.base.resourceVersion);
    const stored = await deps.store.getProposal(id);
    if (stored !== undefined) {
      const result = fromEvidence(id, stored.verified, stored.evidence);
      return { value: result, outcome: result.verified ? 'ok' : 'refused', detail: `the removal of ${grantName(grant.policy)} was proposed before (${id})`, evidence: { proposal: id, verified: result.verified, existing: true } };
    }
    const deleteFile = input.after === '';
    const review = await computeReview(deps, { base: input.base, files: [{ path: grant.path, before: input.before, ...(deleteFile ? {} : { after: input.after }) }] }, ctx, models);
    const judgement = judgeGrantRemoval(review, grantName(grant.policy));
    stage('store', 'storing the removal proposal with its evidence');
    const intent = grantRemovalIntent(grant, deleteFile, input.baseUrl);
    await deps.store.saveProposal({
      id,
      createdAt: deps.clock().toISOString(),
      createdBy: ctx.actor,
      intent,
      yaml: input.after,
      verified: judgement.verified,
      evidence: {
        validation: review.validation,
        dryRun: review.dryRun,
        diff: review.diff,
        findings: review.findings,
        newFindings: review.newFindings,
        inputErrors: review.inputErrors,
        blockers: judgement.blockers,
        ...(judgement.note !== undefined ? { note: judgement.note } : {}),
        mesh: { origin: input.baseOrigin, resourceVersion: input.base.resourceVersion },
      } as unknown as Readonly<Record<string, unknown>>,
    });
    const result: GrantRemovalProposal = { proposal: id, verified: judgement.verified, blockers: judgement.blockers, ...(judgement.note !== undefined ? { note: judgement.note } : {}), accessDelta: review.diff.summary, existing: false };
    return {
      value: result,
      outcome: judgement.verified ? 'ok' : 'refused',
      detail: judgement.verified ? `${intent.text}: verified, ${review.diff.summary.revoked} revoked${judgement.note !== undefined ? ` (${judgement.note})` : ''}` : `${intent.text}: refused, ${judgement.blockers.join('; ')}`,
      evidence: { proposal: id, policy: grant.policy, expires: grant.expires, origin: grant.origin ?? null, verified: judgement.verified, blockers: judgement.blockers, accessDelta: review.diff.summary, deleteFile },
    };
  });
}
