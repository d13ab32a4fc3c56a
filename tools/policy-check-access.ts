// policy_check_access: would this request be allowed by the mesh's policies? The `gic check` answer
// (decision, protocol, reasons, trace) for one request against the served mesh. A mesh with input
// errors makes the answer an error unless `allowInputErrors` (docs/input-errors.md).
import { z } from 'zod';

import { checkAccess } from '../src/copilot/check-access.js';
import { AccessRequestSchema } from '../src/policy/evaluate/access-request.js';
import { defineTool } from './define-tool.js';
import { refuseOnInputErrors } from './input-errors-gate.js';
import { AllowInputErrorsSchema, DecisionReasonSchema, InputErrorsSchema, MeshRefSchema } from './tool-schemas.js';

export const policyCheckAccess = defineTool({
  name: 'policy_check_access',
  title: 'Check whether a request is allowed',
  description:
    'Use for "can X reach Y?" or "is this request allowed?": decides one request against the mesh\'s AuthorizationPolicies (ALLOW, DENY, UNAUTHENTICATED or CONDITIONAL) with the deciding policies and a trace. Arguments: {"request":{"to":{"namespace":"builds","workload":"build-trigger","port":8080},"from":{"namespace":"ci","workload":"build-runner"},"method":"POST","path":"/api/builds"}}; a caller without identity is from {"plaintext":true,"ip":"10.0.0.1"}, a JWT is jwt.claims. Only reads.',
  toolset: 'policy',
  effect: 'read',
  access: 'read',
  input: z.object({
    request: AccessRequestSchema.describe('the request, as `gic check` reads it, e.g. {"to":{"namespace":"builds","workload":"build-trigger","port":8080},"from":{"namespace":"ci","workload":"build-runner"},"method":"POST","path":"/api/builds"}'),
    trace: z.boolean().optional().describe('include the step-by-step evaluation trace (default true)'),
    allowInputErrors: AllowInputErrorsSchema,
  }),
  output: z.object({
    decision: z.enum(['ALLOW', 'DENY', 'UNAUTHENTICATED', 'CONDITIONAL']),
    protocol: z.string(),
    provider: z.string().optional(),
    reasons: z.array(DecisionReasonSchema),
    trace: z.array(z.string()).optional(),
    inputErrors: InputErrorsSchema,
    mesh: MeshRefSchema,
  }),
  handler: (input, ctx) => {
    const result = checkAccess(ctx.copilot.deps, { request: input.request, ...(input.trace !== undefined ? { trace: input.trace } : {}) });
    const text = `${result.decision} (${result.protocol}${result.provider !== undefined ? `, provider ${result.provider}` : ''})\n${result.reasons.map((r) => `- ${r.policy}: ${r.message}`).join('\n')}`;
    refuseOnInputErrors(result.inputErrors, input.allowInputErrors, text);
    return Promise.resolve({ value: result, text });
  },
});
