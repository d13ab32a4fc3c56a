import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { indexGroupDirectory, type GerritGroup } from '../policy/resources/group-directory.js';
import type { GroupSource } from './group-source.js';
import { resolveGroups } from './resolve-group-directory.js';

const uuid = (n: number): string => n.toString(16).padStart(40, '0');

/** An in-memory source that counts getGroup calls and in-flight requests, answering after a tick. */
function countingSource(groups: GerritGroup[]): GroupSource & { calls: string[]; peak: number } {
  let active = 0;
  const state = { calls: [] as string[], peak: 0 };
  const source: GroupSource = {
    kind: 'snapshot',
    origin: 'memory',
    listGroups: () => Promise.resolve(groups),
    listGroupsWithMembers: () => Promise.resolve(groups),
    listProjects: () => Promise.resolve([]),
    async getGroup(ref) {
      state.calls.push(ref);
      active++;
      state.peak = Math.max(state.peak, active);
      await new Promise((r) => setTimeout(r, 1));
      active--;
      return groups.find((g) => g.uuid === ref || g.name === ref);
    },
  };
  return Object.assign(source, state, {
    get calls() {
      return state.calls;
    },
    get peak() {
      return state.peak;
    },
  });
}

describe('resolveGroups', () => {
  it('fetches every reachable group once, follows cycles, skips external subgroups, reports missing roots', async () => {
    const groups: GerritGroup[] = [
      { uuid: uuid(1), name: 'a', members: [{ id: 1, username: 'alice' }], includes: [uuid(2), 'ldap:cn=ops'] },
      { uuid: uuid(2), name: 'b', members: [{ id: 2, username: 'bob' }], includes: [uuid(1), uuid(3)] },
      { uuid: uuid(3), name: 'c', members: [{ id: 1, username: 'alice' }, { id: 3, username: 'carol' }], includes: [] },
    ];
    const source = countingSource(groups);
    const resolved = await resolveGroups(source, ['a', uuid(2), 'ghost'], { concurrency: 2 });
    expect(resolved.missing).toEqual(['ghost']);
    expect(source.calls.sort()).toEqual(['a', 'ghost', uuid(2), uuid(3)].sort());
    expect(resolved.fetches).toBe(4);
    const index = indexGroupDirectory(resolved.directory);
    expect(index.membersOf(uuid(1)).map((m) => m.username)).toEqual(['alice', 'bob', 'carol']);
    expect(resolved.directory.groups.map((g) => g.name)).toEqual(['a', 'b', 'c']);
  });

  it('keeps at most `concurrency` fetches in flight and resolves the same members as a plain walk (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        fc.array(fc.tuple(fc.nat(24), fc.nat(24)), { maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(24), fc.nat(9)), { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        async (n, edges, memberships, concurrency) => {
          const groups: GerritGroup[] = Array.from({ length: n }, (_, i) => ({
            uuid: uuid(i + 1),
            name: `g${i}`,
            members: memberships.filter(([g]) => g % n === i).map(([, a]) => ({ id: a, username: `u${a}` })),
            includes: [...new Set(edges.filter(([from]) => from % n === i).map(([, to]) => uuid((to % n) + 1)))],
          }));
          const source = countingSource(groups);
          const resolved = await resolveGroups(source, [uuid(1)], { concurrency });
          expect(source.peak).toBeLessThanOrEqual(concurrency);
          expect(new Set(source.calls).size).toBe(source.calls.length);
          // Expected by a plain depth-first walk over the same data.
          const seen = new Set<string>();
          const stack = [uuid(1)];
          const members = new Set<number>();
          while (stack.length > 0) {
            const at = stack.pop() as string;
            if (seen.has(at)) continue;
            seen.add(at);
            const g = groups.find((x) => x.uuid === at);
            for (const m of g?.members ?? []) members.add(m.id ?? -1);
            stack.push(...(g?.includes ?? []));
          }
          const got = indexGroupDirectory(resolved.directory).membersOf(uuid(1)).map((m) => m.id);
          expect(got.sort()).toEqual([...members].sort());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('propagates a source failure and stops scheduling new fetches', async () => {
    const groups: GerritGroup[] = Array.from({ length: 10 }, (_, i) => ({ uuid: uuid(i + 1), name: `g${i}`, members: [], includes: i < 9 ? [uuid(i + 2)] : [] }));
    const source = countingSource(groups);
    const failing: GroupSource = { ...source, getGroup: (ref, o) => (ref === uuid(3) ? Promise.reject(new Error('gerrit down')) : source.getGroup(ref, o)) };
    await expect(resolveGroups(failing, [uuid(1)])).rejects.toThrow('gerrit down');
    expect(source.calls.length).toBeLessThan(10);
  });
});
