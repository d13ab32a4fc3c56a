import { describe, expect, it } from 'vitest';

import { GroupDirectorySchema, indexGroupDirectory } from './group-directory.js';

const directory = GroupDirectorySchema.parse({
  groups: [
    { uuid: 'u-a', name: 'a', members: [{ id: 2, username: 'bob' }, { id: 1, username: 'alice' }], includes: ['u-b', 'ldap:cn=x'] },
    { uuid: 'u-b', name: 'b', members: [{ id: 1, username: 'alice', email: 'alice@example.com' }, { username: 'svc' }], includes: ['u-c'] },
    { uuid: 'u-c', name: 'c', includes: ['u-a'] },
    { uuid: 'u-d', name: 'd' },
  ],
  projects: [{ name: 'p', access: { 'refs/heads/*': { read: { 'u-b': { action: 'ALLOW' } } } } }],
});

describe('group directory', () => {
  it('defaults members, includes, projects and rule actions', () => {
    expect(directory.groups[3]).toEqual({ uuid: 'u-d', name: 'd', members: [], includes: [] });
    expect(GroupDirectorySchema.parse({ groups: [] }).projects).toEqual([]);
  });

  it('finds by UUID first, then by name', () => {
    const index = indexGroupDirectory(directory);
    expect(index.find('u-a')?.name).toBe('a');
    expect(index.find('c')?.uuid).toBe('u-c');
    expect(index.byName('u-a')).toBeUndefined();
  });

  it('expands members through a cycle, each account once (by id), sorted by username', () => {
    const index = indexGroupDirectory(directory);
    for (const uuid of ['u-a', 'u-b', 'u-c']) {
      expect(index.membersOf(uuid).map((m) => m.username)).toEqual(['alice', 'bob', 'svc']);
      expect([...index.closureOf(uuid)].sort()).toEqual(['ldap:cn=x', 'u-a', 'u-b', 'u-c']);
    }
    expect(index.membersOf('u-d')).toEqual([]);
    expect(index.membersOf('unknown')).toEqual([]);
  });

  it('names the projects whose access rules use a group', () => {
    const index = indexGroupDirectory(directory);
    expect(index.projectsUsing('u-b')).toEqual(['p']);
    expect(index.projectsUsing('u-a')).toEqual([]);
  });
});
