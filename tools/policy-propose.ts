// policy_propose: a structured intent -> an AuthorizationPolicy proposal, verified (validation, dry-run,
// exact access diff equal to the intent, Gerrit groups exist, analyzers) and stored (`gic propose`).
import { z } from 'zod';

import { IntentSchema } from '../src/policy/compile/intent.js';
import { defineTool } from './define-tool.js';
import { ProposalSchema, renderProposal } from './proposal-schemas.js';

export const policyPropose = defineTool({
  name: 'policy_propose',
  title: 'Propose a policy change',
  description:
    'Turn a structured intent into an AuthorizationPolicy and verify it: schema and istiod validation, dry-run, the exact access diff (who gains or loses access) compared with the intent, and that the Gerrit groups exist. ' +
    'Returns the YAML, verified true/false with blockers, and a proposal id for policy_submit_for_review. Example intent: {"action":"allow","subjects":[{"gerritGroup":"release-managers"}],"target":{"namespace":"builds","workload":"build-trigger"},"operations":[{"methods":["POST"],"paths":["/api/builds"]}]}. ' +
    'Nothing is applied to the cluster.',
  toolset: 'policy',
  effect: 'read',
  access: 'propose',
  input: z.object({ intent: IntentSchema.describe('the structured intent (docs/cli.md "An intent file")') }),
  output: ProposalSchema,
  handler: async (input, ctx) => {
    const result = await ctx.copilot.propose({ intent: input.intent }, ctx.call);
    return { value: result, text: renderProposal(result) };
  },
});
