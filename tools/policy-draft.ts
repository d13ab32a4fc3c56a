// policy_draft: a request in plain words -> a structured intent through the in-cluster model -> a
// verified proposal, or clarifying questions when the request is ambiguous or names something that
// does not exist (`gic draft`). Conversations continue with `conversation`.
import { z } from 'zod';

import type { DraftResult } from '../src/copilot/draft-policy.js';
import type { ProposeResult } from '../src/copilot/propose-policy.js';
import { defineTool } from './define-tool.js';
import { ProposalShape, renderProposal } from './proposal-schemas.js';
import { jsonObject } from './tool-schemas.js';

const optional = Object.fromEntries(Object.entries(ProposalShape).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof ProposalShape]: z.ZodOptional<(typeof ProposalShape)[K]> };

export const policyDraft = defineTool({
  name: 'policy_draft',
  title: 'Draft a policy from a request in words',
  description:
    'Use when the person asks in plain words for a new policy ("let release-managers trigger builds on build-trigger until Friday"): the in-cluster model extracts an intent and gic verifies it like policy_propose. Arguments: {"text":"<the request>"}. An ambiguous request or an unknown group, workload or namespace gets questions back (with the closest names); answer by calling again with the same conversation id. Needs a configured model. Nothing is applied.',
  toolset: 'policy',
  effect: 'read',
  access: 'propose',
  input: z.object({
    text: z.string().min(1).max(4000).describe("the person's request, or their answer to the questions"),
    conversation: z.string().max(100).optional().describe('the conversation id of an earlier policy_draft answer'),
  }),
  output: z.object({
    ...optional,
    intent: jsonObject<NonNullable<DraftResult['intent']>>().nullable(),
    questions: z.array(z.object({ field: z.string(), question: z.string(), options: z.array(z.string()) })),
    conversation: z.string(),
    usage: z.object({ promptTokens: z.number(), completionTokens: z.number(), rounds: z.number() }).optional(),
  }),
  handler: async (input, ctx) => {
    const r = await ctx.copilot.draft({ text: input.text, ...(input.conversation !== undefined ? { conversation: input.conversation } : {}) }, ctx.call);
    const text =
      r.questions.length > 0
        ? `Questions before a proposal can be made (answer with conversation "${r.conversation}"):\n${r.questions.map((q) => `- ${q.question}${q.options.length > 0 ? ` (e.g. ${q.options.join(', ')})` : ''}`).join('\n')}`
        : r.proposal !== undefined && r.yaml !== undefined
          ? `${renderProposal(r as ProposeResult)}\n(conversation ${r.conversation})`
          : `no proposal (conversation ${r.conversation})`;
    return { value: r, text };
  },
});
