// Per-tool authorization by Gerrit group: claim groups, Gerrit lookups (cached, failures fail closed
// and are retried soon), names or UUIDs, and refusals that say what is needed.
import { describe, expect, it } from 'vitest';

import { allTools } from '../../tools/index.js';
import { createToolAuthorizer } from './tool-authorization.js';

const tool = (name: string) => allTools.find((t) => t.name === name)!;
const SETTINGS = { readGroups: [], proposeGroups: ['release-managers', '19ec0da2704ba2bbd91c70d525cf8cc83b29c291'], submitGroups: ['gerrit-admins'] };

describe('tool authorization', () => {
  it('allows reads to anyone authenticated, propose and submit by group name or UUID', async () => {
    const authorize = createToolAuthorizer(SETTINGS);
    expect(await authorize({ actor: 'user:a', groups: [] }, tool('mesh_summary'))).toBeUndefined();
    expect(await authorize({ actor: 'user:a', groups: ['release-managers'] }, tool('policy_propose'))).toBeUndefined();
    expect(await authorize({ actor: 'user:a', groups: ['19ec0da2704ba2bbd91c70d525cf8cc83b29c291'] }, tool('policy_draft'))).toBeUndefined();
    expect(await authorize({ actor: 'user:a', groups: ['release-managers'] }, tool('policy_submit_for_review'))).toBe(
      'policy_submit_for_review needs membership in one of the Gerrit groups gerrit-admins; user:a is in release-managers',
    );
  });

  it('refuses a tool no group is configured for, and read tools outside configured read groups', async () => {
    const authorize = createToolAuthorizer({ readGroups: ['developers'], proposeGroups: [], submitGroups: [] });
    expect(await authorize({ actor: 'user:a', groups: ['developers'] }, tool('policy_propose'))).toBe('policy_propose is not enabled for anyone on this server: no Gerrit groups are configured for it (--propose-groups)');
    expect(await authorize({ actor: 'user:b', groups: ['ops'] }, tool('mesh_summary'))).toContain('needs membership in one of the Gerrit groups developers');
  });

  it('looks up groups when the token has none, caches them, and fails closed (briefly) when Gerrit fails', async () => {
    let now = 0;
    const lookups: string[] = [];
    let failing = true;
    const authorize = createToolAuthorizer(SETTINGS, {
      now: () => now,
      cacheMs: 60_000,
      lookupGroups: (user) => {
        lookups.push(user);
        return failing ? Promise.reject(new Error('gerrit down')) : Promise.resolve(['release-managers']);
      },
    });
    const dave = { actor: 'user:dave', groups: [] };
    expect(await authorize(dave, tool('policy_propose'))).toContain('could not be looked up in Gerrit');
    failing = false;
    expect(await authorize(dave, tool('policy_propose'))).toContain('could not be looked up'); // the failure is cached for a moment
    now += 11_000;
    expect(await authorize(dave, tool('policy_propose'))).toBeUndefined();
    expect(await authorize(dave, tool('policy_draft'))).toBeUndefined();
    expect(lookups).toEqual(['dave', 'dave']);
    now += 61_000;
    await authorize(dave, tool('policy_propose'));
    expect(lookups).toHaveLength(3);
    // Callers that are not users (local, spiffe) are never looked up.
    expect(await authorize({ actor: 'spiffe://x/ns/a/sa/b', groups: [] }, tool('policy_propose'))).toContain('none of them');
    expect(lookups).toHaveLength(3);
  });
});
