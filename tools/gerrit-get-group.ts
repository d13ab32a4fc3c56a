// gerrit_get_group: one Gerrit group with its owner, members resolved through subgroups (cycle-safe),
// direct subgroups and the mesh policies whose groups-claim conditions name it (`gic groups show`).
import { z } from 'zod';

import { getGroup } from '../src/copilot/gerrit-groups.js';
import { defineTool } from './define-tool.js';

export const gerritGetGroup = defineTool({
  name: 'gerrit_get_group',
  title: 'Show a Gerrit group',
  description:
    'Use for "who is in group X?" or "what can group X reach?": one Gerrit group with its owner, every member (through subgroups), subgroups and the mesh policies that name it. Arguments: {"group":"release-managers"}. Only reads.',
  toolset: 'gerrit',
  effect: 'read',
  access: 'read',
  input: z.object({ group: z.string().min(1).max(256).describe('group name (e.g. release-managers) or 40-hex UUID') }),
  output: z.object({
    id: z.string(),
    name: z.string(),
    owner: z.string().nullable(),
    description: z.string().nullable(),
    members: z.array(z.object({ username: z.string().nullable(), email: z.string().nullable() })),
    includes: z.array(z.object({ id: z.string(), name: z.string() })),
    policies: z.array(z.string()),
  }),
  handler: async (input, ctx) => {
    const g = await getGroup(ctx.copilot.deps, { group: input.group }, ctx.signal);
    const text = [
      `${g.name} (${g.id})`,
      `owner: ${g.owner ?? '-'}`,
      `members (${g.members.length}): ${g.members.map((m) => m.username ?? m.email ?? '?').join(', ') || '-'}`,
      `subgroups: ${g.includes.map((i) => i.name).join(', ') || '-'}`,
      `policies naming it: ${g.policies.join(', ') || '-'}`,
    ].join('\n');
    return { value: g, text };
  },
});
