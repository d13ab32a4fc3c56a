// gerrit_list_groups: the Gerrit groups with their member counts (members resolved through subgroups),
// the `gic groups list` shape.
import { z } from 'zod';

import { listGroups } from '../src/copilot/gerrit-groups.js';
import { defineTool } from './define-tool.js';

export const gerritListGroups = defineTool({
  name: 'gerrit_list_groups',
  title: 'List Gerrit groups',
  description:
    'Use to find a group\'s exact name: lists Gerrit groups (name, UUID, member count), optionally only those whose name contains query. Arguments: {} or {"query":"release"}. For the members of one group use gerrit_get_group. Only reads.',
  toolset: 'gerrit',
  effect: 'read',
  access: 'read',
  input: z.object({ query: z.string().max(200).optional().describe('only groups whose name contains this text (case-insensitive)') }),
  output: z.object({ groups: z.array(z.object({ id: z.string(), name: z.string(), members: z.number() })), origin: z.string() }),
  handler: async (input, ctx) => {
    const result = await listGroups(ctx.copilot.deps, input.query === undefined ? {} : { query: input.query }, ctx.signal);
    const text = result.groups.length === 0 ? 'no groups' : result.groups.map((g) => `${g.name} (${g.members} member${g.members === 1 ? '' : 's'}) ${g.id}`).join('\n');
    return { value: result, text };
  },
});
