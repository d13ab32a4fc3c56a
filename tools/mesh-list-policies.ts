// mesh_list_policies: the Istio security resources of the mesh, filtered by namespace, kind and the
// workload they apply to, paginated.
import { z } from 'zod';

import { listPolicies, POLICY_KINDS } from '../src/copilot/mesh-policies.js';
import { defineTool } from './define-tool.js';

export const meshListPolicies = defineTool({
  name: 'mesh_list_policies',
  title: 'List mesh policies',
  description:
    'Use for "which policies apply to workload Y?" or "list the policies in namespace N": AuthorizationPolicies, PeerAuthentications and RequestAuthentications with action (or mTLS mode), selector, file and line. Arguments: {"workload":"builds/artifact-store"} (always namespace/name), or {"namespace":"builds"}, optional kind. Paginated: pass nextCursor back as cursor. Only reads.',
  toolset: 'mesh',
  effect: 'read',
  access: 'read',
  input: z.object({
    namespace: z.string().max(253).optional().describe('only this namespace'),
    workload: z.string().max(512).optional().describe('namespace/name of a workload: only the policies that apply to it'),
    kind: z.enum(POLICY_KINDS).optional(),
    cursor: z.string().max(20).optional().describe('nextCursor of the previous page'),
    limit: z.number().int().min(1).max(200).optional().describe('page size (default 50)'),
  }),
  output: z.object({
    policies: z.array(z.object({ kind: z.enum(POLICY_KINDS), namespace: z.string(), name: z.string(), action: z.string().optional(), source: z.string(), attachment: z.string() })),
    total: z.number(),
    nextCursor: z.string().optional(),
  }),
  handler: (input, ctx) => {
    const r = listPolicies(ctx.copilot.deps, {
      ...(input.namespace !== undefined ? { namespace: input.namespace } : {}),
      ...(input.workload !== undefined ? { workload: input.workload } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
      ...(input.limit !== undefined ? { limit: input.limit } : {}),
    });
    const text = `${r.policies.length} of ${r.total} polic${r.total === 1 ? 'y' : 'ies'}${r.nextCursor !== undefined ? ` (more: cursor "${r.nextCursor}")` : ''}\n${r.policies.map((p) => `- ${p.kind} ${p.namespace}/${p.name}${p.action !== undefined ? ` ${p.action}` : ''}, ${p.attachment} (${p.source})`).join('\n')}`;
    return Promise.resolve({ value: r, text });
  },
});
