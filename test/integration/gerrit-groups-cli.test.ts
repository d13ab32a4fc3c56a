// `gic groups list` and `gic groups show` (docs/cli.md) against the demo snapshot and the run's real
// Gerrit: the JSON shapes, recursive members, the policies naming a group, and the failures (unknown
// group, failed login) that must exit non-zero with the reason.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CommandContext, OptionValues } from '../../src/cli/command.js';
import { groupsListCommand } from '../../src/cli/commands/groups-list.js';
import { groupsShowCommand } from '../../src/cli/commands/groups-show.js';
import { exitCodeForError } from '../../src/cli/exit-codes.js';
import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { groupUuid } from '../../src/gerrit/group-info.js';
import { silentLogger } from '../../src/log.js';
import type { RunningPeer } from '../peers/peer.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';

async function run(command: typeof groupsListCommand, values: OptionValues, positionals: string[] = []): Promise<{ json: unknown; text: string }> {
  let text = '';
  const context: CommandContext = { values, positionals, format: 'json', io: { stdout: (t) => void (text += t), stderr: () => undefined, stdoutIsTTY: false }, logger: silentLogger };
  const outcome = await command.run(context);
  expect(outcome.status).toBe('ok');
  return { json: JSON.parse(text) as unknown, text };
}

const snapshot = { 'gerrit-snapshot': 'examples/demo-gerrit' };

describe('gic groups on the demo snapshot', () => {
  it('lists groups with recursive member counts, filtered by --query', async () => {
    const { json } = await run(groupsListCommand, { ...snapshot });
    const groups = (json as { groups: { id: string; name: string; members: number }[] }).groups;
    expect(groups.find((g) => g.name === 'developers')).toMatchObject({ members: 10 });
    expect(groups.find((g) => g.name === 'oncall-sre')).toMatchObject({ members: 0 });
    expect(groups.every((g) => /^[0-9a-f]{40}$/.test(g.id))).toBe(true);
    const filtered = await run(groupsListCommand, { ...snapshot, query: 'ADMIN' });
    expect((filtered.json as { groups: { name: string }[] }).groups.map((g) => g.name)).toEqual(['Administrators', 'ci-admins', 'gerrit-admins']);
  });

  it('shows a group with owner, recursive members, subgroups and the demo-mesh policies naming it', async () => {
    const { json } = await run(groupsShowCommand, { ...snapshot, mesh: ['examples/demo-mesh'] }, ['release-managers']);
    expect(json).toMatchObject({
      name: 'release-managers',
      owner: 'gerrit-admins',
      members: [
        { username: 'carol', email: 'carol@example.com' },
        { username: 'dave', email: 'dave@example.com' },
        { username: 'erin', email: 'erin@example.com' },
      ],
      includes: [{ name: 'release-captains' }],
      policies: ['builds/build-trigger-allow', 'gerrit/release-managers-only-tags'],
    });
  });

  it('fails an unknown group with a non-zero exit and the reason', async () => {
    const error = await run(groupsShowCommand, { ...snapshot }, ['no-such-group']).catch((e: unknown) => e);
    expect((error as Error).message).toContain('no Gerrit group "no-such-group"');
    expect(exitCodeForError(error)).not.toBe(0);
  });
});

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();

describe.skipIf(!peer)('gic groups against a real Gerrit', () => {
  const suffix = `cli${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  let dir: string;
  let live: OptionValues;

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    dir = mkdtempSync(join(tmpdir(), 'gic-groups-cli-'));
    writeFileSync(join(dir, 'password'), `${peer.info.password}\n`);
    writeFileSync(join(dir, 'wrong'), 'wrong-password\n');
    live = { 'gerrit-url': peer.info.url, 'gerrit-user': peer.info.user, 'gerrit-password-file': join(dir, 'password') };
    const client = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password } });
    try {
      await client.createAccount(`ops1-${suffix}`, { email: `ops1-${suffix}@example.com` });
      await client.createAccount(`ops2-${suffix}`, { email: `ops2-${suffix}@example.com` });
      const inner = groupUuid(await client.createGroup(`inner-${suffix}`, { members: [`ops2-${suffix}`] }));
      const outer = groupUuid(await client.createGroup(`outer-${suffix}`, { members: [`ops1-${suffix}`] }));
      await client.addIncludedGroups(outer, [inner]);
      await client.addIncludedGroups(inner, [outer]);
    } finally {
      await client.close();
    }
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await peer?.stop();
  });

  it('lists the live groups with recursive member counts', async () => {
    const { json } = await run(groupsListCommand, { ...live, query: suffix });
    expect((json as { groups: { name: string; members: number }[] }).groups.map((g) => [g.name, g.members])).toEqual([
      [`inner-${suffix}`, 2],
      [`outer-${suffix}`, 2],
    ]);
  });

  it('shows a live group by name and by UUID, members resolved through the cycle', async () => {
    const byName = (await run(groupsShowCommand, { ...live }, [`outer-${suffix}`])).json as { id: string; members: { username: string }[]; includes: { name: string }[]; policies: string[] };
    expect(byName.members.map((m) => m.username)).toEqual([`ops1-${suffix}`, `ops2-${suffix}`]);
    expect(byName.includes.map((g) => g.name)).toEqual([`inner-${suffix}`]);
    expect(byName.policies).toEqual([]);
    const byUuid = (await run(groupsShowCommand, { ...live }, [byName.id])).json;
    expect(byUuid).toEqual(byName);
  });

  it('fails a wrong password (401) with a non-zero exit and the reason', async () => {
    const error = await run(groupsShowCommand, { ...live, 'gerrit-password-file': join(dir, 'wrong') }, [`outer-${suffix}`]).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'gerrit-unauthorized' });
    expect((error as Error).message).toContain('answered 401');
    expect(exitCodeForError(error)).not.toBe(0);
  });
});
