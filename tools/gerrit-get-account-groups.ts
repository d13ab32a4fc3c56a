// gerrit_get_account_groups: the Gerrit groups an account is in, directly or through subgroups.
import { z } from 'zod';

import { accountGroups } from '../src/copilot/gerrit-groups.js';
import { defineTool } from './define-tool.js';

export const gerritGetAccountGroups = defineTool({
  name: 'gerrit_get_account_groups',
  title: "List an account's Gerrit groups",
  description:
    'Use for "which groups is alice in?" or "what can alice reach?": lists the Gerrit groups one person belongs to (directly or through subgroups). Arguments: {"account":"alice"} (username, email or account id). Only reads.',
  toolset: 'gerrit',
  effect: 'read',
  access: 'read',
  input: z.object({ account: z.string().min(1).max(256).describe('username, email or numeric account id') }),
  output: z.object({
    account: z.object({ username: z.string().nullable(), email: z.string().nullable(), name: z.string().nullable() }),
    groups: z.array(z.object({ id: z.string(), name: z.string(), direct: z.boolean() })),
  }),
  handler: async (input, ctx) => {
    const r = await accountGroups(ctx.copilot.deps, { account: input.account }, ctx.signal);
    const who = r.account.username ?? r.account.email ?? input.account;
    const text = `${who} is in ${r.groups.length} group${r.groups.length === 1 ? '' : 's'}: ${r.groups.map((g) => `${g.name}${g.direct ? '' : ' (through a subgroup)'}`).join(', ')}`;
    return { value: r, text };
  },
});
