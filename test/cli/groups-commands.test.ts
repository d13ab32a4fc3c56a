// `gic groups list` and `gic groups show` (two-word commands) on the demo Gerrit snapshot: shapes of
// docs/cli.md, recursive members, the policies that name a group, and exit codes for unknown groups.
import { describe, expect, it } from 'vitest';

import { jsonOf, runGic } from './run-gic.js';

const snapshot = ['--gerrit-snapshot', 'examples/demo-gerrit'];

describe('gic groups', () => {
  it('lists groups with ids and member counts', async () => {
    const run = await runGic(['groups', 'list', ...snapshot, '-o', 'json']);
    expect(run.code).toBe(0);
    const { groups } = jsonOf(run) as { groups: { id: string; name: string; members: number }[] };
    const names = groups.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['gerrit-admins', 'release-managers', 'ci-admins']));
    for (const group of groups) expect(group.id).toMatch(/^[0-9a-f]{40}$|^[a-z]+:/);
  });

  it('shows a group with members resolved through subgroups and the policies that name it', async () => {
    const run = await runGic(['groups', 'show', 'release-managers', ...snapshot, '--mesh', 'examples/demo-mesh', '-o', 'json']);
    expect(run.code).toBe(0);
    const group = jsonOf(run) as { name: string; members: { username: string }[]; includes: { name: string }[]; policies: string[] };
    expect(group.name).toBe('release-managers');
    expect(group.includes.map((g) => g.name)).toContain('release-captains');
    expect(group.policies.length).toBeGreaterThan(0);
    expect(group.policies.every((p) => /^[a-z0-9-]+\/[a-z0-9-]+$/.test(p))).toBe(true);
  });

  it('exits 4 with the reason for an unknown group, and 2 without a Gerrit source', async () => {
    const unknown = await runGic(['groups', 'show', 'no-such-group', ...snapshot, '-o', 'json']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('no-such-group');
    const none = await runGic(['groups', 'list', '-o', 'json']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no Gerrit configured');
  });
});
