// `gic chat`'s /submit against the real Gerrit peer: an intent proposed with /propose is opened as a
// change with /submit; the change is read back through Gerrit's REST API; /submit again opens nothing new.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { runGic } from '../cli/run-gic.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';
import type { RunningPeer } from '../peers/peer.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();

describe.skipIf(!peer)('gic chat /submit against a real Gerrit', { timeout: 180_000 }, () => {
  const project = `chat-cli-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  let dir: string;
  let client: GerritClient;
  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    dir = mkdtempSync(join(tmpdir(), 'gic-chat-cli-gerrit-'));
    client = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password } });
    await client.createProject(project, { create_empty_commit: true, branches: ['master'] });
    await client.createGroup('release-managers', { description: 'Cut releases' }).catch(() => undefined);
  });
  afterAll(async () => {
    await client?.close();
    await peer?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('/propose FILE then /submit opens one change with the YAML; /submit again says it is already open', async () => {
    if (peer === undefined) throw new Error('unreachable');
    writeFileSync(join(dir, 'password'), `${peer.info.password}\n`);
    writeFileSync(join(dir, 'intent.json'), JSON.stringify({ action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] }));
    const run = await runGic(
      ['chat', '--mesh', 'examples/demo-mesh', '--data-dir', join(dir, 'data'), '--gerrit-url', peer.info.url, '--gerrit-user', peer.info.user, '--gerrit-password-file', join(dir, 'password'), '--policy-project', project],
      { stdin: `/propose ${join(dir, 'intent.json')}\n/submit\n/submit\n`, env: { NO_COLOR: '1' } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/proposal \S+ for builds\/allow-build-trigger-release-managers-[0-9a-f]+: verified/);
    const opened = /opened for review: (\S+\/c\/[^/]+\/\+\/(\d+))\n/.exec(run.stdout);
    expect(opened, run.stdout).not.toBeNull();
    expect(run.stdout).toContain(`already open for review: ${opened?.[1]}`);
    const changes = await client.queryChanges(`project:${project}`);
    expect(changes.map((c) => c._number)).toEqual([Number(opened?.[2])]);
    const files = Object.keys(await client.listFiles(`${project}~${opened?.[2]}`, 'current')).filter((f) => f !== '/COMMIT_MSG');
    expect(files).toEqual([expect.stringMatching(/^policies\/builds\/allow-build-trigger-release-managers-[0-9a-f]+\.yaml$/)]);
  });
});
