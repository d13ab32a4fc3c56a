// `gic review CHANGE --review-base repository|mesh` as a process (bin/gic.js) against the real Gerrit
// 3.9.4 peer: a project whose master holds the demo mesh plus a DENY of build deletes that the
// configured (demo) mesh lacks, and changes editing a policy. Asserted: the JSON output (the diff against
// the branch's policies read through Gerrit vs against --mesh), the exit codes (0; 3 for a -1 review; 4
// for no such change or patch set; 5 when Gerrit does not answer; 2 for an unknown --review-base), and
// that without --post nothing is written to Gerrit (the changes' messages read back).
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { jsonOf, runGic, type GicRun } from '../cli/run-gic.js';
import type { RunningPeer } from '../peers/peer.js';
import { GerritAdminClient } from '../peers/gerrit/gerrit-fixtures.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';
import { DEMO_MESH } from '../support/copilot-fixture.js';
import { commitFiles, createPolicyRepository, demoMeshFiles } from '../support/policy-repository.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();

const BUILDS = readFileSync(join(DEMO_MESH, '30-builds.yaml'), 'utf8');
const GRANT_DELETE = BUILDS.replace('methods: ["POST"]\n            paths: ["/api/builds", "/api/builds/*"]', 'methods: ["POST", "DELETE"]\n            paths: ["/api/builds", "/api/builds/*"]');
const SCHEMA_ERROR = BUILDS.replace('methods: ["PUT"]', 'methods: ["PUT"]\n            bogus: ["x"]');
const DENY_DELETE = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: no-build-deletes\n  namespace: builds\nspec:\n  selector:\n    matchLabels:\n      app: build-trigger\n  action: DENY\n  rules:\n    - to:\n        - operation:\n            methods: ["DELETE"]\n';

interface ReviewJson {
  change: string;
  patchset: number;
  files: string[];
  diff: { summary: { granted: number; revoked: number; changed: number }; changes: { before: string; after: string; workload: { namespace: string; name: string } }[] };
  verified: boolean;
  vote: number;
  posted: boolean;
  reason?: string;
  message: string;
  comments: { path: string; line: number; message: string }[];
}

/** A TCP port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!peer)('gic review --review-base against a real Gerrit', () => {
  const project = `review-cli-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  let client: GerritClient;
  let admin: GerritAdminClient;
  let grantDelete = 0;
  let schemaError = 0;
  const env = (): Record<string, string | undefined> => ({
    GIC_GERRIT_PASSWORD: peer?.info.password,
    GIC_DATA_DIR: mkdtempSync(join(tmpdir(), 'gic-review-cli-')),
    GIC_CONFIG: undefined,
    GIC_REVIEW_BASE: undefined,
    GIC_POLICY_PROJECT: undefined,
    GIC_POLICY_BRANCH: undefined,
    GIC_POLICY_PATH: undefined,
    KUBECONFIG: undefined,
  });
  const gerritArgs = (): string[] => ['--gerrit-url', peer?.info.url ?? '', '--gerrit-user', peer?.info.user ?? '', '--policy-project', project];
  const review = (change: string, ...more: string[]): Promise<GicRun> => runGic(['review', change, ...gerritArgs(), ...more, '-o', 'json'], { env: env() });

  /** Every message on the change (anyone's), as Gerrit returns them. */
  async function messages(n: number): Promise<{ tag?: string | null; message?: string | null }[]> {
    return (await client.getChange(`${project}~${n}`, { options: ['MESSAGES'] })).messages ?? [];
  }

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    client = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password } });
    admin = new GerritAdminClient({ url: peer.info.url, user: peer.info.user, password: peer.info.password });
    await createPolicyRepository(client, admin, project, { files: { ...demoMeshFiles(), 'policies/35-no-build-deletes.yaml': DENY_DELETE }, subject: 'Add the demo mesh and a DENY of build deletes' });
    grantDelete = await commitFiles(client, project, { 'policies/30-builds.yaml': GRANT_DELETE }, 'Let CI delete builds');
    schemaError = await commitFiles(client, project, { 'policies/30-builds.yaml': SCHEMA_ERROR }, 'A typo');
  });

  afterAll(async () => {
    await client?.close();
    await peer?.stop();
  });

  it('--review-base repository: the diff is against the branch read through Gerrit (its DENY keeps DELETE out); exit 0, +1, nothing posted', async () => {
    const before = await messages(grantDelete);
    const run = await review(`${project}~${grantDelete}`, '--review-base', 'repository', '--mesh', DEMO_MESH);
    expect(run.code, run.stderr).toBe(0);
    const result = jsonOf(run) as ReviewJson;
    expect(result).toMatchObject({ change: `${project}~${grantDelete}`, patchset: 2, files: ['policies/30-builds.yaml'], verified: true, vote: 1, posted: false, reason: 'not posted without --post' });
    expect(result.diff.summary.granted).toBe(0);
    expect(JSON.stringify(result.diff)).not.toContain('DELETE');
    expect(result.message).not.toMatch(/\| gains[^\n]*"DELETE"/);
    // Without a configured mesh the branch alone is the base.
    const meshless = await review(`${project}~${grantDelete}`, '--review-base', 'repository');
    expect(meshless.code, meshless.stderr).toBe(0);
    expect((jsonOf(meshless) as ReviewJson).diff.summary.granted).toBe(0);
    expect(await messages(grantDelete)).toEqual(before);
  });

  it('--review-base mesh: the diff is against --mesh (the demo mesh, without that DENY), so DELETE is gained; exit 0, nothing posted', async () => {
    const before = await messages(grantDelete);
    const run = await review(`${project}~${grantDelete}`, '--review-base', 'mesh', '--mesh', DEMO_MESH);
    expect(run.code, run.stderr).toBe(0);
    const result = jsonOf(run) as ReviewJson;
    expect(result).toMatchObject({ change: `${project}~${grantDelete}`, patchset: 2, verified: true, vote: 1, posted: false });
    expect(result.diff.summary.granted).toBeGreaterThan(0);
    expect(result.diff.changes.filter((c) => c.after === 'ALLOW').every((c) => `${c.workload.namespace}/${c.workload.name}` === 'builds/build-trigger')).toBe(true);
    expect(JSON.stringify(result.diff)).toContain('DELETE');
    expect(result.message).toMatch(/\| gains \(DENY -> ALLOW\) \| builds\/build-trigger \|.*"DELETE"/);
    // The default base is the mesh.
    const byDefault = jsonOf(await review(`${project}~${grantDelete}`, '--mesh', DEMO_MESH)) as ReviewJson;
    expect(byDefault.diff).toEqual(result.diff);
    expect(await messages(grantDelete)).toEqual(before);
  });

  it('a schema error: exit 3 with a -1 and the inline comment on its line, with either base; nothing posted', async () => {
    const line = SCHEMA_ERROR.split('\n').findIndex((l) => l.includes('bogus:')) + 1;
    for (const base of ['repository', 'mesh']) {
      const run = await review(`${project}~${schemaError}`, '--review-base', base, '--mesh', DEMO_MESH);
      expect(run.code, `${base}: ${run.stderr}`).toBe(3);
      const result = jsonOf(run) as ReviewJson;
      expect(result).toMatchObject({ verified: false, vote: -1, posted: false });
      expect(result.comments.some((c) => c.path === 'policies/30-builds.yaml' && c.line === line && c.message.startsWith('error'))).toBe(true);
    }
    expect((await messages(schemaError)).filter((m) => m.tag?.startsWith('autogenerated:gic') === true)).toEqual([]);
  });

  it('no such change or patch set: exit 4; Gerrit not answering: exit 5; both say where', async () => {
    const missing = await review(`${project}~999999`, '--review-base', 'repository', '--mesh', DEMO_MESH);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`${project}~999999`);
    const noPatchSet = await review(`${project}~${grantDelete}/9`, '--review-base', 'repository', '--mesh', DEMO_MESH);
    expect(noPatchSet.code).toBe(4);
    expect(noPatchSet.stderr).toContain('has no patch set 9');
    const port = await closedPort();
    const down = await runGic(['review', `${project}~${grantDelete}`, '--gerrit-url', `http://127.0.0.1:${port}`, '--gerrit-user', peer?.info.user ?? '', '--policy-project', project, '--review-base', 'repository', '--mesh', DEMO_MESH, '-o', 'json'], { env: env() });
    expect(down.code).toBe(5);
    expect(down.stderr).toContain(`127.0.0.1:${port}`);
    expect(down.stdout).toBe('');
  });

  it('an unknown --review-base is a usage error (exit 2) naming the setting and the values it takes', async () => {
    const run = await review(`${project}~${grantDelete}`, '--review-base', 'branch', '--mesh', DEMO_MESH);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/review\.base/);
    expect(run.stderr).toContain('"mesh"');
    expect(run.stderr).toContain('"repository"');
  });
});
