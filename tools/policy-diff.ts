// policy_diff: who gains or loses access if this YAML were applied to the mesh (`gic diff` of the mesh
// against the mesh with the change): every class of requests whose decision changes, with a witness
// request, plus the change's validation and the findings it introduces. Objects the YAML defines replace
// the mesh's objects of the same kind, namespace and name. Input errors: an error unless
// `allowInputErrors`.
import { z } from 'zod';

import { diffPolicyChange } from '../src/copilot/diff-policy-change.js';
import type { DiffChange } from '../src/policy/diff/class-diff.js';
import { ValidateReportSchema } from '../src/policy/validate/validate-report.js';
import { defineTool } from './define-tool.js';
import { refuseOnInputErrors } from './input-errors-gate.js';
import { AllowInputErrorsSchema, InputErrorsSchema, jsonObject, MeshRefSchema } from './tool-schemas.js';

export const policyDiff = defineTool({
  name: 'policy_diff',
  title: 'Diff a policy change against the mesh',
  description:
    'Use for "what would this policy change?": who gains or loses access if the given policy YAML were applied: per change the workload, decision before and after, the matching requests and a witness request for policy_check_access; plus validation errors and new findings. Arguments: {"yaml":"apiVersion: security.istio.io/v1 ..."}. YAML objects replace mesh objects of the same kind/namespace/name. Nothing is applied.',
  toolset: 'policy',
  effect: 'read',
  access: 'read',
  input: z.object({ yaml: z.string().min(1).max(1_000_000).describe('the changed or new policy YAML'), allowInputErrors: AllowInputErrorsSchema }),
  output: z.object({
    changes: z.array(jsonObject<DiffChange>()),
    summary: z.object({ granted: z.number(), revoked: z.number(), changed: z.number() }),
    inputErrors: InputErrorsSchema,
    validation: ValidateReportSchema,
    newFindings: z.array(jsonObject<Record<string, unknown>>()),
    mesh: MeshRefSchema,
  }),
  handler: async (input, ctx) => {
    const r = await diffPolicyChange(ctx.copilot, { yaml: input.yaml }, ctx.call);
    const s = r.summary;
    const text = [
      `${s.granted} granted, ${s.revoked} revoked, ${s.changed} changed${r.validation.summary.errors > 0 ? `; the YAML has ${r.validation.summary.errors} validation error(s)` : ''}`,
      ...r.changes.slice(0, 20).map((c) => `- ${c.before} -> ${c.after} on ${c.workload.namespace}/${c.workload.name}: ${c.summary}`),
      ...(r.changes.length > 20 ? [`- ... ${r.changes.length - 20} more in structuredContent`] : []),
      ...r.validation.resources.flatMap((v) => v.errors.map((e) => `validation error ${v.kind} ${v.namespace}/${v.name} line ${e.line} ${e.field}: ${e.message}`)),
      ...r.newFindings.map((f) => `new finding ${String(f['code'])}: ${String(f['message'])}`),
    ].join('\n');
    refuseOnInputErrors(r.inputErrors, input.allowInputErrors, text);
    return { value: r, text };
  },
});
