// mesh_summary: what the served mesh holds: namespaces and their dataplane, workloads with their mTLS
// mode and the policies that apply, policy counts, coverage (workloads no policy protects) and the
// mesh's input errors, listed first.
import { z } from 'zod';

import { meshSummary } from '../src/copilot/mesh-summary.js';
import { defineTool } from './define-tool.js';
import { renderInputErrors } from './input-errors-gate.js';
import { InputErrorsSchema } from './tool-schemas.js';

export const meshSummaryTool = defineTool({
  name: 'mesh_summary',
  title: 'Summarise the mesh',
  description:
    'Use to learn the names in the mesh: namespaces (sidecar, ambient or outside the mesh), every workload as namespace/name with its service account, mTLS mode and the AuthorizationPolicies on it, policy counts and unprotected workloads. Arguments: {}. Only reads.',
  toolset: 'mesh',
  effect: 'read',
  access: 'read',
  input: z.object({}),
  output: z.object({
    origin: z.string(),
    resourceVersion: z.string(),
    rootNamespace: z.string(),
    trustDomain: z.string(),
    namespaces: z.array(z.object({ name: z.string(), dataplane: z.string(), workloads: z.number() })),
    workloads: z.array(z.object({ namespace: z.string(), name: z.string(), serviceAccount: z.string(), dataplane: z.string(), mtls: z.string(), policies: z.array(z.string()), covered: z.boolean() })),
    policies: z.object({ authorizationPolicies: z.number(), peerAuthentications: z.number(), requestAuthentications: z.number(), byAction: z.record(z.string(), z.number()) }),
    coverage: z.object({ workloads: z.number(), covered: z.number(), uncovered: z.array(z.string()) }),
    dataplane: z.record(z.string(), z.number()),
    inputErrors: InputErrorsSchema,
  }),
  handler: (_input, ctx) => {
    const s = meshSummary(ctx.copilot.deps);
    const text =
      renderInputErrors(s.inputErrors) +
      `mesh ${s.origin}: ${s.namespaces.length} namespaces, ${s.workloads.length} workloads, ${s.policies.authorizationPolicies} AuthorizationPolicies\n` +
      `coverage: ${s.coverage.covered}/${s.coverage.workloads} workloads in the mesh have a policy${s.coverage.uncovered.length > 0 ? `; none: ${s.coverage.uncovered.join(', ')}` : ''}\n` +
      s.workloads.map((w) => `- ${w.namespace}/${w.name} (${w.dataplane}, mTLS ${w.mtls}): ${w.policies.length === 0 ? 'no policy' : w.policies.join(', ')}`).join('\n');
    return Promise.resolve({ value: s, text });
  },
});
