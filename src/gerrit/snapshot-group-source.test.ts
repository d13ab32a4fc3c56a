import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { indexGroupDirectory } from '../policy/resources/group-directory.js';
import { loadGerritSnapshot, SnapshotGroupSource, snapshotToDirectory } from './snapshot-group-source.js';

const demo = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'examples/demo-gerrit');

describe('snapshot group source', () => {
  it('loads the demo snapshot: the groups the demo mesh names exist, subgroups and access rules resolve to UUIDs', async () => {
    const directory = await loadGerritSnapshot(demo);
    const index = indexGroupDirectory(directory);
    for (const name of ['gerrit-admins', 'release-managers', 'ci-admins']) expect(index.byName(name)).toBeDefined();
    const ciAdmins = index.byName('ci-admins');
    expect(ciAdmins?.uuid).toMatch(/^[0-9a-f]{40}$/);
    expect(ciAdmins?.includes).toEqual([index.byName('build-cops')?.uuid]);
    expect(index.membersOf(ciAdmins?.uuid ?? '').map((m) => m.username)).toEqual(['frank', 'grace', 'heidi']);
    // release-managers and release-captains include each other: each has the other's members.
    const rm = index.byName('release-managers')?.uuid ?? '';
    expect(index.membersOf(rm).map((m) => m.username)).toEqual(['carol', 'dave', 'erin']);
    expect(index.membersOf(index.byName('oncall-sre')?.uuid ?? '')).toEqual([]);
    const policies = directory.projects.find((p) => p.name === 'platform/mesh-policies');
    expect(policies?.access['refs/heads/*']?.['submit']).toEqual({ [index.byName('security-reviewers')?.uuid ?? '']: { action: 'ALLOW' } });
    expect(index.projectsUsing(index.byName('Service Users')?.uuid ?? '')).toEqual(['All-Projects', 'platform/mesh-policies']);
  });

  it('serves the GroupSource interface: list with a case-insensitive match, get by name or UUID', async () => {
    const source = await SnapshotGroupSource.load(demo);
    expect(source.kind).toBe('snapshot');
    expect((await source.listGroups({ match: 'RELEASE' })).map((g) => g.name)).toEqual(['release-captains', 'release-managers']);
    const byName = await source.getGroup('gerrit-admins');
    expect(await source.getGroup(byName?.uuid ?? '')).toEqual(byName);
    expect(await source.getGroup('nobody')).toBeUndefined();
    expect((await source.listGroupsWithMembers()).length).toBe((await source.listGroups()).length);
  });

  it('rejects dangling members, subgroups and owners with the name, and an unreadable path', () => {
    const base = { accounts: [{ id: 1, username: 'a' }], projects: [] };
    expect(() => snapshotToDirectory([{ file: 'f', content: { ...base, groups: [{ name: 'g', uuid: 'u1', members: ['zed'], includes: [] }] } }])).toThrow('unknown member "zed"');
    expect(() => snapshotToDirectory([{ file: 'f', content: { ...base, groups: [{ name: 'g', uuid: 'u1', members: [], includes: ['nope'] }] } }])).toThrow('unknown group "nope"');
    expect(() => snapshotToDirectory([{ file: 'f', content: { ...base, groups: [{ name: 'g', uuid: 'u1', owner: 'x', members: [], includes: [] }] } }])).toThrow('unknown owner "x"');
    const external = snapshotToDirectory([{ file: 'f', content: { ...base, groups: [{ name: 'g', uuid: 'u1', members: [1], includes: ['ldap:cn=ops'] }] } }]);
    expect(external.groups[0]).toMatchObject({ members: [{ id: 1, username: 'a' }], includes: ['ldap:cn=ops'], owner: 'g' });
    return expect(loadGerritSnapshot('/nonexistent/snapshot')).rejects.toMatchObject({ code: 'input-unreadable' });
  });
});
