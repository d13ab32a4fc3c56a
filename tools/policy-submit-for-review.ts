// policy_submit_for_review: the one write gic makes anywhere: opens a Gerrit change with a verified
// proposal's YAML in the policy repository, for people to review (`gic submit`). Never applies anything
// to a cluster. A person must confirm: through MCP elicitation when the client supports it (an argument
// cannot stand in for it then), otherwise only with an explicit `confirm: true`; unverified proposals
// are refused by the use case.
import { z } from 'zod';

import { AppError } from '../src/errors.js';
import { defineTool } from './define-tool.js';

export const policySubmitForReview = defineTool({
  name: 'policy_submit_for_review',
  title: 'Submit a proposal for review in Gerrit',
  description:
    'WRITES: opens a Gerrit change with a verified proposal (its id from policy_propose or policy_draft) for people to review. Call it only when the person explicitly asked to submit or open a change; proposing is not submitting. The person is asked to confirm; if your client cannot ask, call it only after the person said yes, with confirm: true. Nothing is applied to a cluster.',
  toolset: 'policy',
  effect: 'write',
  access: 'submit',
  input: z.object({
    proposal: z.string().min(1).max(100).describe('the proposal id'),
    confirm: z.boolean().optional().describe('the person explicitly confirmed (only used when the client cannot be asked)'),
  }),
  output: z.object({
    change: z.object({ project: z.string(), number: z.number(), url: z.string(), changeId: z.string() }),
    files: z.array(z.string()),
    proposal: z.string(),
    alreadySubmitted: z.boolean(),
  }),
  handler: async (input, ctx) => {
    const record = await ctx.copilot.deps.store.getProposal(input.proposal);
    if (record === undefined) throw new AppError('not-found', `no proposal "${input.proposal}"; policy_propose and policy_draft return proposal ids`);
    if (!record.verified) throw new AppError('refused', `proposal ${input.proposal} is not verified, so it cannot be submitted for review; fix its blockers and propose again`);
    const evidence = record.evidence as { policy?: { namespace?: string; name?: string }; diff?: { summary?: { granted?: number; revoked?: number; changed?: number } } };
    const what = `${evidence.policy?.namespace ?? '?'}/${evidence.policy?.name ?? '?'}`;
    const delta = evidence.diff?.summary;
    if (ctx.confirm !== undefined) {
      const answer = await ctx.confirm(
        `Open a Gerrit change for review with proposal ${input.proposal} (AuthorizationPolicy ${what}${delta !== undefined ? `; access delta: ${delta.granted ?? 0} granted, ${delta.revoked ?? 0} revoked, ${delta.changed ?? 0} changed` : ''})? Nothing is applied to the cluster; reviewers decide.`,
      );
      if (answer !== 'accept') throw new AppError('declined', `not submitted: the person ${answer === 'decline' ? 'declined' : 'cancelled'}`);
    } else if (input.confirm !== true) {
      throw new AppError('refused', 'not submitted: this client cannot ask the person to confirm; ask them, and call again with confirm: true only if they said yes');
    }
    const r = await ctx.copilot.submit({ proposal: input.proposal }, ctx.call);
    return { value: r, text: `${r.alreadySubmitted ? 'already submitted' : 'opened'} change ${r.change.number} in ${r.change.project}: ${r.change.url} (files: ${r.files.join(', ')})` };
  },
});
