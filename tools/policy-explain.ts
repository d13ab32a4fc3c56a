// policy_explain: why a request gets its decision, what a policy does, or what protects a workload
// (`gic explain`): the engine's facts with sources, and text that says only what the facts support (the
// model phrases it when configured, else templates). On a mesh with input errors the answer is an error
// unless `allowInputErrors`.
import { z } from 'zod';

import type { ExplainResult } from '../src/copilot/explain-access.js';
import { AppError } from '../src/errors.js';
import { AccessRequestSchema } from '../src/policy/evaluate/access-request.js';
import { defineTool } from './define-tool.js';
import { refuseOnInputErrors } from './input-errors-gate.js';
import { AllowInputErrorsSchema, InputErrorsSchema, jsonObject } from './tool-schemas.js';

export const policyExplain = defineTool({
  name: 'policy_explain',
  title: 'Explain a decision, a policy or a workload',
  description:
    'Use for "why is this request denied/allowed?", "what does policy P do?" or "what protects workload W?": facts from the engine, each naming its policy and source line. Arguments: exactly one of {"request":{...same shape as policy_check_access...}}, {"policy":"namespace/name"}, {"workload":"namespace/name"}. Only reads.',
  toolset: 'policy',
  effect: 'read',
  access: 'read',
  input: z.object({
    request: AccessRequestSchema.optional().describe('a request in the policy_check_access shape'),
    policy: z.string().max(512).optional().describe('namespace/name of an AuthorizationPolicy'),
    workload: z.string().max(512).optional().describe('namespace/name of a workload'),
    useModel: z.boolean().optional().describe('let the in-cluster model phrase the text (default: when one is configured)'),
    allowInputErrors: AllowInputErrorsSchema,
  }),
  output: z.object({
    subject: jsonObject<ExplainResult['subject']>(),
    facts: z.array(jsonObject<ExplainResult['facts'][number]>()),
    text: z.string(),
    by: z.enum(['model', 'template']),
    findings: z.array(jsonObject<ExplainResult['findings'][number]>()),
    decision: jsonObject<NonNullable<ExplainResult['decision']>>().optional(),
    inputErrors: InputErrorsSchema,
    fallback: z.object({ reason: z.string() }).optional(),
  }),
  handler: async (input, ctx) => {
    const given = (['request', 'policy', 'workload'] as const).filter((k) => input[k] !== undefined);
    if (given.length !== 1) throw new AppError('bad-request', `give exactly one of request, policy or workload (got ${given.length === 0 ? 'none' : given.join(', ')})`);
    const subject = input.request !== undefined ? { request: input.request } : input.policy !== undefined ? { policy: input.policy } : { workload: input.workload as string };
    const r = await ctx.copilot.explain({ subject, ...(input.useModel !== undefined ? { useModel: input.useModel } : {}) }, ctx.call);
    const text = `${r.text}\n\n${r.facts.map((f) => `- [${f.kind}] ${f.text}${f.source !== undefined ? ` (${f.source})` : ''}`).join('\n')}`;
    refuseOnInputErrors(r.inputErrors, input.allowInputErrors, text);
    return { value: r, text };
  },
});
