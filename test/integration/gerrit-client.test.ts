// The Gerrit REST client (src/gerrit) against the run's real Gerrit (test/peers/gerrit): every client
// method, pagination, the live group source and group resolution, and the 404 / 409 / 401 error paths.
// The Gerrit is shared by the whole run, so every name carries a suffix unique to this file's run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritApiError } from '../../src/gerrit/gerrit-api-error.js';
import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { groupUuid } from '../../src/gerrit/group-info.js';
import { LiveGroupSource } from '../../src/gerrit/live-group-source.js';
import { resolveAllGroups, resolveGroups } from '../../src/gerrit/resolve-group-directory.js';
import { indexGroupDirectory } from '../../src/policy/resources/group-directory.js';
import type { RunningPeer } from '../peers/peer.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();

describe.skipIf(!peer)('GerritClient against a real Gerrit', () => {
  const suffix = `gc${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  let client: GerritClient;
  let anonymous: GerritClient;
  const ids: Record<string, number> = {};
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable: suite is skipped without a peer');
    client = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password } });
    anonymous = new GerritClient({ baseUrl: peer.info.url });
    for (const who of ['alice', 'bob', 'carol']) {
      const account = await client.createAccount(`${who}-${suffix}`, { name: `${who} ${suffix}`, email: `${who}-${suffix}@example.com` });
      ids[who] = account._account_id ?? -1;
    }
    // team-a (alice) includes team-b (bob) includes team-a: a cycle; team-c (carol) includes team-b.
    for (const name of ['team-a', 'team-b', 'team-c', 'empty']) {
      const created = await client.createGroup(`${name}-${suffix}`, { description: `${name} of ${suffix}` });
      uuids[name] = groupUuid(created);
      // Gerrit makes the creator a member of a self-owned group: remove that, keep groups exact.
      await client.removeGroupMembers(uuids[name], [peer.info.user]);
    }
    await client.addGroupMembers(uuids['team-a'] as string, [`alice-${suffix}`]);
    await client.addGroupMembers(uuids['team-b'] as string, [`bob-${suffix}`]);
    await client.addGroupMembers(uuids['team-c'] as string, [`carol-${suffix}`, `bob-${suffix}`]);
    await client.addIncludedGroups(uuids['team-a'] as string, [uuids['team-b'] as string]);
    await client.addIncludedGroups(uuids['team-b'] as string, [uuids['team-a'] as string]);
    await client.addIncludedGroups(uuids['team-c'] as string, [uuids['team-b'] as string]);
  });
  afterAll(async () => {
    await client?.close();
    await anonymous?.close();
    await peer?.stop();
  });

  it('reads the server version anonymously and with credentials', async () => {
    expect(await anonymous.getServerVersion()).toBe(peer?.info.version);
    expect(await client.getServerVersion()).toBe(peer?.info.version);
    expect(anonymous.transport.authenticated).toBe(false);
  });

  it('creates, gets and queries accounts, following _more_accounts across pages', async () => {
    const alice = await client.getAccount(`alice-${suffix}`);
    expect(alice).toMatchObject({ _account_id: ids['alice'], username: `alice-${suffix}`, email: `alice-${suffix}@example.com` });
    expect((await client.getAccount(ids['bob'] as number)).username).toBe(`bob-${suffix}`);
    const before = client.transport.stats.requests;
    const all = await client.queryAllAccounts(`name:${suffix}`, { pageSize: 2, options: ['DETAILS'] });
    expect(all.map((a) => a.username).sort()).toEqual([`alice-${suffix}`, `bob-${suffix}`, `carol-${suffix}`]);
    expect(client.transport.stats.requests - before).toBe(2);
    const firstPage = await client.queryAccounts(`name:${suffix}`, { limit: 2 });
    expect(firstPage.at(-1)?._more_accounts).toBe(true);
    const capabilities = await client.getCapabilities();
    expect(capabilities['administrateServer']).toBe(true);
  });

  it('gets a group by name, UUID and numeric id, with detail, owner and audit log', async () => {
    const byName = await client.getGroup(`team-a-${suffix}`);
    expect(groupUuid(byName)).toBe(uuids['team-a']);
    expect(groupUuid(await client.getGroup(uuids['team-a'] as string))).toBe(uuids['team-a']);
    expect(groupUuid(await client.getGroup(String(byName.group_id)))).toBe(uuids['team-a']);
    const detail = await client.getGroupDetail(uuids['team-c'] as string);
    expect(detail.members?.map((m) => m.username).sort()).toEqual([`bob-${suffix}`, `carol-${suffix}`]);
    expect(detail.includes?.map((g) => groupUuid(g))).toEqual([uuids['team-b']]);
    expect(detail.description).toBe(`team-c of ${suffix}`);
    expect(groupUuid(await client.getGroupOwner(uuids['team-c'] as string))).toBe(uuids['team-c']);
    const audit = await client.getGroupAuditLog(uuids['team-c'] as string);
    const types = audit.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['ADD_USER', 'REMOVE_USER', 'ADD_GROUP']));
  });

  it('lists direct and recursive members (cycle-safe on the server) and included groups', async () => {
    const direct = await client.listGroupMembers(uuids['team-a'] as string);
    expect(direct.map((m) => m.username)).toEqual([`alice-${suffix}`]);
    const recursive = await client.listGroupMembers(uuids['team-a'] as string, { recursive: true });
    expect(recursive.map((m) => m.username).sort()).toEqual([`alice-${suffix}`, `bob-${suffix}`]);
    const included = await client.listIncludedGroups(uuids['team-b'] as string);
    expect(included.map((g) => g.name)).toEqual([`team-a-${suffix}`]);
    const ofAlice = (await client.getAccountGroups(`alice-${suffix}`)).map((g) => groupUuid(g));
    expect(ofAlice).toEqual(expect.arrayContaining([uuids['team-a'], uuids['team-b'], uuids['team-c']]));
    expect(ofAlice).not.toContain(uuids['empty']);
  });

  it('lists groups with match, regex, user, owned and o=MEMBERS/INCLUDES filters, paging with S/n', async () => {
    const matched = await client.listGroups({ match: suffix });
    expect(matched.map((g) => g.name).sort()).toEqual(['empty', 'team-a', 'team-b', 'team-c'].map((n) => `${n}-${suffix}`));
    const regex = await client.listGroups({ regex: `team-[ab]-${suffix}` });
    expect(regex.map((g) => g.name).sort()).toEqual([`team-a-${suffix}`, `team-b-${suffix}`]);
    const ofCarol = await client.listGroups({ user: `carol-${suffix}` });
    expect(ofCarol.map((g) => groupUuid(g))).toContain(uuids['team-c']);
    expect((await client.listGroups({ owned: true, match: suffix })).length).toBe(4);
    const withMembers = await client.listGroups({ match: `team-c-${suffix}`, options: ['MEMBERS', 'INCLUDES'] });
    expect(withMembers[0]?.members?.length).toBe(2);
    expect(withMembers[0]?.includes?.map((g) => groupUuid(g))).toEqual([uuids['team-b']]);
    const before = client.transport.stats.requests;
    const paged = await client.listAllGroups({ match: suffix, pageSize: 3 });
    expect(paged.map((g) => g.name).sort()).toEqual(matched.map((g) => g.name).sort());
    expect(client.transport.stats.requests - before).toBe(2);
  });

  it('queries the group index and follows _more_groups', async () => {
    const found = await client.queryGroups(`inname:${suffix}`);
    expect(found.map((g) => g.name).sort()).toEqual(['empty', 'team-a', 'team-b', 'team-c'].map((n) => `${n}-${suffix}`));
    const page = await client.queryGroups(`inname:${suffix}`, { limit: 3 });
    expect(page).toHaveLength(3);
    expect(page.at(-1)?._more_groups).toBe(true);
    expect((await client.queryAllGroups(`inname:${suffix}`)).length).toBe(4);
  });

  it('removes members and subgroups', async () => {
    const name = `scratch-${suffix}`;
    const uuid = groupUuid(await client.createGroup(name));
    await client.addGroupMembers(uuid, [`alice-${suffix}`, `bob-${suffix}`]);
    await client.addIncludedGroups(uuid, [uuids['team-a'] as string]);
    await client.removeGroupMembers(uuid, [`alice-${suffix}`]);
    await client.removeIncludedGroups(uuid, [uuids['team-a'] as string]);
    const detail = await client.getGroupDetail(uuid);
    expect(detail.members?.map((m) => m.username)).toEqual(expect.not.arrayContaining([`alice-${suffix}`]));
    expect(detail.members?.map((m) => m.username)).toContain(`bob-${suffix}`);
    expect(detail.includes ?? []).toEqual([]);
  });

  it('resolves nested, cyclic groups through the live group source like Gerrit recursive members', async () => {
    const source = new LiveGroupSource(client, peer?.info.url ?? '');
    const resolved = await resolveGroups(source, [`team-c-${suffix}`, uuids['empty'] as string, `missing-${suffix}`], { concurrency: 3 });
    expect(resolved.missing).toEqual([`missing-${suffix}`]);
    expect(resolved.fetches).toBe(5); // team-c, empty, missing, then team-b, team-a: each once
    const index = indexGroupDirectory(resolved.directory);
    const serverSide = await client.listGroupMembers(uuids['team-c'] as string, { recursive: true });
    expect(index.membersOf(uuids['team-c'] as string).map((m) => m.username)).toEqual(serverSide.map((m) => m.username).sort());
    expect(index.membersOf(uuids['empty'] as string)).toEqual([]);
    const all = indexGroupDirectory(await resolveAllGroups(source));
    expect(all.membersOf(uuids['team-a'] as string).map((m) => m.username)).toEqual([`alice-${suffix}`, `bob-${suffix}`]);
    expect(all.byName('Administrators')).toBeDefined();
  });

  it('creates projects, writes and reads access rules by group UUID, labels, and lists projects page by page', async () => {
    const project = `policies-${suffix}`;
    await client.createProject(project, { create_empty_commit: true, description: 'gic test' });
    await client.createProject(`${project}-two`, { create_empty_commit: true });
    const written = await client.setProjectAccess(project, {
      add: { 'refs/heads/*': { permissions: { read: { rules: { [uuids['team-a'] as string]: { action: 'ALLOW' } } }, 'label-Code-Review': { rules: { [uuids['team-c'] as string]: { action: 'ALLOW', min: -1, max: 1 } } } } } },
      message: 'gic test access',
    });
    expect(written.revision).toMatch(/^[0-9a-f]{40}$/);
    const access = await client.getProjectAccess(project);
    expect(access.local?.['refs/heads/*']?.permissions?.['read']?.rules?.[uuids['team-a'] as string]?.action).toBe('ALLOW');
    expect(access.local?.['refs/heads/*']?.permissions?.['label-Code-Review']?.rules?.[uuids['team-c'] as string]).toMatchObject({ min: -1, max: 1 });
    expect(access.groups?.[uuids['team-a'] as string]?.name).toBe(`team-a-${suffix}`);
    const source = new LiveGroupSource(client, '');
    const projects = await source.listProjects();
    expect(projects.find((p) => p.name === project)?.access['refs/heads/*']?.['read']?.[uuids['team-a'] as string]).toMatchObject({ action: 'ALLOW' });

    await client.putLabel(project, 'Policy-Check', { values: { '-1': 'Policy violation', ' 0': 'No score', '+1': 'Policy OK' }, function: 'NoBlock', commit_message: 'add Policy-Check' });
    const labels = await client.listLabels(project);
    expect(labels.find((l) => l.name === 'Policy-Check')?.values).toMatchObject({ '+1': 'Policy OK' });
    expect((await client.listLabels(project, { inherited: true })).map((l) => l.name)).toContain('Code-Review');

    const listed = await client.listProjects({ prefix: project });
    expect(listed.map((p) => p.name).sort()).toEqual([project, `${project}-two`]);
    const before = client.transport.stats.requests;
    expect((await client.listAllProjects({ prefix: project, pageSize: 1 })).map((p) => p.name).sort()).toEqual([project, `${project}-two`]);
    expect(client.transport.stats.requests - before).toBe(3);
  });

  it('creates changes through the change-edit API, queries them by file regex across pages, reads files, content and diff', async () => {
    const project = `mesh-${suffix}`;
    await client.createProject(project, { create_empty_commit: true });
    const yaml = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-ci\n  namespace: builds\n';
    const numbers: number[] = [];
    for (const n of [1, 2, 3]) {
      const change = await client.createChange({ project, branch: 'master', subject: `policy change ${n}` });
      const id = `${project}~${change._number}`;
      await client.putEditFile(id, `deploy/istio/policy-${n}.yaml`, yaml);
      await client.putEditFile(id, 'README.md', 'notes\n');
      expect((await client.getEdit(id))?.base_patch_set_number).toBe(1);
      await client.deleteEditFile(id, 'README.md');
      await client.publishEdit(id);
      expect(await client.getEdit(id)).toBeUndefined();
      numbers.push(change._number);
    }
    const before = client.transport.stats.requests;
    const found = await client.queryAllChanges(`project:${project} file:"^deploy/istio/.*[.]yaml$"`, { pageSize: 2 });
    expect(found.map((c) => c._number).sort()).toEqual(numbers.sort());
    expect(client.transport.stats.requests - before).toBe(2);
    const first = `${project}~${numbers[0]}`;
    const change = await client.getChange(first, { options: ['CURRENT_REVISION'] });
    expect(change.current_revision).toMatch(/^[0-9a-f]{40}$/);
    const files = await client.listFiles(first, change.current_revision ?? 'current');
    expect(Object.keys(files).sort()).toEqual(['/COMMIT_MSG', 'deploy/istio/policy-1.yaml']);
    expect(files['deploy/istio/policy-1.yaml']?.status).toBe('A');
    expect(await client.getFileContent(first, 'current', 'deploy/istio/policy-1.yaml')).toBe(yaml);
    const diff = await client.getDiff(first, 'current', 'deploy/istio/policy-1.yaml');
    expect(diff.change_type).toBe('ADDED');
    expect(diff.content[0]?.b?.slice(0, 2)).toEqual(['apiVersion: security.istio.io/v1', 'kind: AuthorizationPolicy']);
  });

  it('posts reviews with a vote, line and range comments, an autogenerated tag, omits duplicates, and fix suggestions', async () => {
    const project = `review-${suffix}`;
    await client.createProject(project, { create_empty_commit: true });
    const change = await client.createChange({ project, branch: 'master', subject: 'review me' });
    const id = `${project}~${change._number}`;
    const path = 'deploy/istio/allow.yaml';
    await client.putEditFile(id, path, 'kind: AuthorizationPolicy\nmetadata:\n  name: allow\nspec:\n  action: ALOW\n');
    await client.publishEdit(id);
    const review = {
      message: 'gic policy check: 1 problem',
      tag: 'autogenerated:gic-policy-check',
      labels: { 'Code-Review': -1 },
      omit_duplicate_comments: true,
      notify: 'NONE' as const,
      comments: {
        [path]: [
          { line: 5, message: 'action must be ALLOW, DENY, AUDIT or CUSTOM', unresolved: true },
          {
            range: { start_line: 5, start_character: 10, end_line: 5, end_character: 14 },
            message: 'did you mean ALLOW?',
            fix_suggestions: [{ description: 'spell ALLOW', replacements: [{ path, range: { start_line: 5, start_character: 10, end_line: 5, end_character: 14 }, replacement: 'ALLOW' }] }],
          },
        ],
      },
    };
    const result = await client.setReview(id, 'current', review);
    expect(result.labels).toEqual({ 'Code-Review': -1 });
    await client.setReview(id, 'current', review); // the same comments again: omitted as duplicates
    const comments = (await client.listComments(id))[path] ?? [];
    expect(comments).toHaveLength(2);
    expect(comments.every((c) => c.tag === 'autogenerated:gic-policy-check')).toBe(true);
    expect(comments.find((c) => c.line === 5 && c.range == null)?.unresolved).toBe(true);
    expect(comments.find((c) => c.range != null)?.range).toEqual({ start_line: 5, start_character: 10, end_line: 5, end_character: 14 });
    const messages = (await client.getChange(id, { options: ['MESSAGES'] })).messages ?? [];
    expect(messages.filter((m) => m.tag === 'autogenerated:gic-policy-check')).toHaveLength(2);
    // Gerrit 3.9 stores fix suggestions on robot comments (removed in 3.13); human-comment fixes need a 3.10+ flag.
    await client.setReview(id, 'current', {
      tag: 'autogenerated:gic-policy-check',
      robot_comments: { [path]: [{ robot_id: 'gic', robot_run_id: 'run-1', line: 5, message: 'fixable', fix_suggestions: [{ description: 'spell ALLOW', replacements: [{ path, range: { start_line: 5, start_character: 10, end_line: 5, end_character: 14 }, replacement: 'ALLOW' }] }] }] },
    });
    const robot = (await client.listRobotComments(id))[path] ?? [];
    expect(robot[0]?.fix_suggestions?.[0]?.replacements[0]?.replacement).toBe('ALLOW');
  });

  it('manages webhook remotes through the webhooks plugin REST API', async () => {
    const project = `hooks-${suffix}`;
    await client.createProject(project, { create_empty_commit: true });
    const put = await client.putWebhookRemote(project, 'policy-bot', { url: 'http://127.0.0.1:9/gerrit/events', events: ['patchset-created', 'comment-added'], maxTries: 3, sslVerify: false });
    expect(put).toMatchObject({ url: 'http://127.0.0.1:9/gerrit/events', max_tries: 3 });
    expect((await client.getWebhookRemote(project, 'policy-bot')).events).toEqual(['patchset-created', 'comment-added']);
    expect(Object.keys(await client.listWebhookRemotes(project))).toEqual(['policy-bot']);
    await client.deleteWebhookRemote(project, 'policy-bot');
    expect(await client.listWebhookRemotes(project)).toEqual({});
  });

  it('throws typed errors: 404 for an unknown group, 409 for a taken name (not retried), 401 for a wrong password', async () => {
    const notFound = await client.getGroup(`no-such-group-${suffix}`).catch((e: unknown) => e);
    expect(GerritApiError.isGerritApiError(notFound)).toBe(true);
    expect(notFound).toMatchObject({ status: 404, code: 'gerrit-not-found', retryable: false, attempts: 1 });

    const before = client.transport.stats.requests;
    const conflict = await client.createGroup(`team-a-${suffix}`).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ status: 409, code: 'gerrit-conflict', retryable: false });
    expect((conflict as GerritApiError).body).toContain('already exists');
    expect(client.transport.stats.requests - before).toBe(1);

    const wrong = new GerritClient({ baseUrl: peer?.info.url ?? '', credentials: { username: peer?.info.user ?? '', password: 'not-the-password' } });
    try {
      const unauthorized = await wrong.getAccount('self').catch((e: unknown) => e);
      expect(unauthorized).toMatchObject({ status: 401, code: 'gerrit-unauthorized', retryable: false });
    } finally {
      await wrong.close();
    }
  });
});
