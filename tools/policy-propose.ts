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
    'Use when the person gives an exact intent to turn into an AuthorizationPolicy: gic writes the YAML and verifies it (schema, istiod rules, dry-run, the exact access diff against the intent, the Gerrit groups exist) and returns verified true/false with blockers and a proposal id. Arguments: {"intent":{"action":"allow","subjects":[{"gerritGroup":"release-managers"}],"target":{"namespace":"builds","workload":"build-trigger"},"operations":[{"methods":["POST"],"paths":["/api/builds"]}]}} (operations sit next to target, not inside it). Nothing is applied or submitted.',
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
