// The real Gerrit test peer works as the product will use it: REST with basic auth on /a/, accounts,
// nested (cyclic) groups, a project whose access rule names a group UUID, a change with YAML files made
// through the change-edit API, and the bundled webhooks plugin loaded and answering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunningPeer } from '../peer.js';
import {
  AccountInfoSchema,
  FileInfoMapSchema,
  GerritAdminClient,
  GroupInfoSchema,
  ProjectAccessInfoSchema,
  createAccount,
  createChange,
  createGroup,
  createProject,
  includeGroups,
} from './gerrit-fixtures.js';
import { gerritForTests } from './gerrit-test-peer.js';
import type { GerritPeerInfo } from './start-gerrit.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();

describe.skipIf(!peer)('Gerrit test peer', () => {
  let client: GerritAdminClient;
  // The Gerrit is shared by the whole run: every name carries a suffix unique to this file's run.
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const enc = encodeURIComponent;

  beforeAll(() => {
    if (peer === undefined) throw new Error('unreachable: suite is skipped without a peer');
    client = new GerritAdminClient(peer.info);
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it('answers the anonymous version endpoint with the version it reported', async () => {
    const { status, body } = await client.send('GET', 'config/server/version', { anonymous: true });
    expect(status).toBe(200);
    const version = z.string().parse(JSON.parse(body));
    expect(version).toMatch(/^3\.\d+\.\d+/);
    expect(version).toBe(peer?.info.version);
  });

  it('accepts the returned credentials with basic auth on /a/ and refuses a wrong password with 401', async () => {
    const self = await client.json('GET', 'accounts/self', AccountInfoSchema);
    expect(self.username).toBe(peer?.info.user);
    const capabilities = await client.json('GET', 'accounts/self/capabilities', z.record(z.string(), z.unknown()));
    expect(capabilities['administrateServer']).toBe(true);
    const wrong = await client.send('GET', 'accounts/self', { password: `${peer?.info.password ?? ''}-wrong` });
    expect(wrong.status).toBe(401);
  });

  it('creates accounts, nested groups with a cycle, and reads members and included groups back', async () => {
    const alice = await createAccount(client, `alice-${suffix}`, `alice-${suffix}@example.com`, 'Alice Example');
    const bob = await createAccount(client, `bob-${suffix}`, `bob-${suffix}@example.com`, 'Bob Example');
    const read = await client.json('GET', `accounts/${enc(`alice-${suffix}`)}`, AccountInfoSchema);
    expect(read).toMatchObject({ _account_id: alice._account_id, email: `alice-${suffix}@example.com`, name: 'Alice Example' });

    const groupA = await createGroup(client, `team-a-${suffix}`, { members: [`alice-${suffix}`] });
    const groupB = await createGroup(client, `team-b-${suffix}`, {
      owner: groupA.id,
      members: [`bob-${suffix}`],
      includedGroups: [groupA.id],
    });
    await includeGroups(client, groupA.id, [groupB.id]); // A includes B includes A: a cycle

    const detailA = await client.json('GET', `groups/${enc(groupA.id)}/detail`, GroupInfoSchema);
    const detailB = await client.json('GET', `groups/${enc(groupB.id)}/detail`, GroupInfoSchema);
    expect(detailA.id).toMatch(/^[0-9a-f]{40}$/);
    expect(detailA.members?.map((m) => m.username)).toEqual([`alice-${suffix}`]);
    expect(detailA.includes?.map((g) => g.id)).toEqual([groupB.id]);
    expect(detailB.members?.map((m) => m.username)).toEqual([`bob-${suffix}`]);
    expect(detailB.includes?.map((g) => g.id)).toEqual([groupA.id]);
    expect(detailB.owner_id).toBe(groupA.id);

    const subgroupsOfB = await client.json('GET', `groups/${enc(groupB.id)}/groups/`, z.array(GroupInfoSchema));
    expect(subgroupsOfB.map((g) => g.name)).toEqual([`team-a-${suffix}`]);
    // Recursive membership follows the cycle without looping: both accounts, each once.
    const recursive = await client.json('GET', `groups/${enc(groupA.id)}/members/?recursive`, z.array(AccountInfoSchema));
    expect(recursive.map((m) => m._account_id).sort()).toEqual([alice._account_id, bob._account_id].sort());
    // Alice's effective groups include B through the inclusion of A in B.
    const aliceGroups = await client.json('GET', `accounts/${alice._account_id}/groups`, z.array(GroupInfoSchema));
    expect(aliceGroups.map((g) => g.id)).toEqual(expect.arrayContaining([groupA.id, groupB.id]));
  });

  it('creates a project with an access rule naming a group UUID and reads the rule back', async () => {
    const group = await createGroup(client, `readers-${suffix}`);
    const uuid = decodeURIComponent(group.id);
    const project = `policies-${suffix}`;
    await createProject(client, project, [{ ref: 'refs/heads/*', permission: 'read', groupUuid: uuid }]);
    const access = await client.json('GET', `projects/${enc(project)}/access`, ProjectAccessInfoSchema);
    expect(access.local['refs/heads/*']?.permissions['read']?.rules[uuid]).toMatchObject({ action: 'ALLOW' });
    expect(access.groups?.[uuid]?.name).toBe(`readers-${suffix}`);
  });

  it('creates a change with two YAML files through the change-edit API and reads files and contents back', async () => {
    const project = `mesh-${suffix}`;
    await createProject(client, project);
    const files = {
      'deploy/istio/allow-frontend.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: allow-frontend\n',
      'deploy/istio/deny-all.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-all\nspec: {}\n',
    };
    const change = await createChange(client, project, 'Add two AuthorizationPolicies', files);
    expect(change.id).toBe(`${project}~${change.number}`);
    expect(change.changeId).toMatch(/^I[0-9a-f]{40}$/);
    expect(change.revision).toMatch(/^[0-9a-f]{40}$/);

    const listed = await client.json(
      'GET',
      `changes/${enc(change.id)}/revisions/${change.revision}/files/`,
      FileInfoMapSchema,
    );
    expect(Object.keys(listed).sort()).toEqual(['/COMMIT_MSG', ...Object.keys(files)].sort());
    for (const [path, content] of Object.entries(files)) {
      expect(listed[path]?.status).toBe('A');
      const contentPath = `changes/${enc(change.id)}/revisions/current/files/${enc(path)}/content`;
      // With Accept: application/json the content is a JSON string; otherwise base64 text.
      expect(await client.json('GET', contentPath, z.string())).toBe(content);
      const raw = await client.send('GET', contentPath, { accept: '*/*' });
      expect(raw.status).toBe(200);
      expect(Buffer.from(raw.body, 'base64').toString('utf8')).toBe(content);
    }
    // A regex with `$` must be quoted in the query language, else 400 "no viable alternative".
    const query = `project:${project} file:"^deploy/istio/.*[.]yaml$"`;
    const found = await client.json('GET', `changes/?q=${enc(query)}`, z.array(z.object({ _number: z.number() })));
    expect(found.map((c) => c._number)).toEqual([change.number]);
  });

  it('has the bundled webhooks plugin loaded, with its REST endpoints answering', async () => {
    const plugins = await client.json('GET', 'plugins/', z.record(z.string(), z.object({ id: z.string(), version: z.string().optional() })));
    expect(plugins['webhooks']?.id).toBe('webhooks');
    const project = `hooks-${suffix}`;
    await createProject(client, project);
    const base = `config/server/webhooks~projects/${enc(project)}/remotes/`;
    const put = await client.send('PUT', `${base}policy-bot`, {
      body: { url: 'http://127.0.0.1:9/gerrit/events', events: ['patchset-created'] },
    });
    expect([200, 201]).toContain(put.status);
    const remotes = await client.json('GET', base, z.record(z.string(), z.object({ url: z.string() })));
    expect(remotes['policy-bot']?.url).toBe('http://127.0.0.1:9/gerrit/events');
  });
});
