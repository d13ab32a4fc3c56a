// chatAccess: the page offers a level when the MCP authorizer allows the catalog's tools of that level.
import { describe, expect, it } from 'vitest';

import { chatAccess } from './chat-access.js';

const tools = [{ name: 'mesh_summary', access: 'read' as const }, { name: 'policy_propose', access: 'propose' as const }];
const alice = { actor: 'user:alice', groups: ['devs'] };

describe('chatAccess', () => {
  it('without an authorizer: every level the catalog serves, and none it does not', async () => {
    const allows = chatAccess(tools, undefined);
    expect(await allows(alice, 'read')).toBe(true);
    expect(await allows(alice, 'propose')).toBe(true);
    expect(await allows(alice, 'submit')).toBe(false);
  });
  it('asks the authorizer with a tool of the level, and a refusal is a no', async () => {
    const asked: string[] = [];
    const allows = chatAccess(tools, (caller, tool) => {
      asked.push(`${caller.actor}:${tool.name}`);
      return Promise.resolve(tool.access === 'read' ? undefined : 'needs the propose group');
    });
    expect(await allows(alice, 'read')).toBe(true);
    expect(await allows(alice, 'propose')).toBe(false);
    expect(asked).toEqual(['user:alice:mesh_summary', 'user:alice:policy_propose']);
  });
});
