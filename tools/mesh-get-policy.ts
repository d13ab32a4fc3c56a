// mesh_get_policy: one Istio security resource of the mesh as YAML, with the file and line it was read from.
import { z } from 'zod';

import { getPolicy, POLICY_KINDS } from '../src/copilot/mesh-policies.js';
import { defineTool } from './define-tool.js';

export const meshGetPolicy = defineTool({
  name: 'mesh_get_policy',
  title: 'Show a mesh policy',
  description:
    'Use to read one policy you know by name: its YAML (AuthorizationPolicy, PeerAuthentication or RequestAuthentication), source file and line. Arguments: {"namespace":"builds","name":"build-trigger-allow"}; kind is optional. Only reads.',
  toolset: 'mesh',
  effect: 'read',
  access: 'read',
  input: z.object({ namespace: z.string().min(1).max(253), name: z.string().min(1).max(253), kind: z.enum(POLICY_KINDS).optional() }),
  output: z.object({ kind: z.enum(POLICY_KINDS), namespace: z.string(), name: z.string(), yaml: z.string(), source: z.object({ file: z.string(), line: z.number() }) }),
  handler: (input, ctx) => {
    const p = getPolicy(ctx.copilot.deps, { namespace: input.namespace, name: input.name, ...(input.kind !== undefined ? { kind: input.kind } : {}) });
    return Promise.resolve({ value: p, text: `# ${p.kind} ${p.namespace}/${p.name} from ${p.source.file}:${p.source.line}\n${p.yaml}` });
  },
});
