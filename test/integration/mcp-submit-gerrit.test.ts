// The one write through MCP, end to end against the real Gerrit peer: `gic mcp` configured with
// Gerrit and a policy repository; a client that supports elicitation proposes, is asked to confirm,
// accepts, and a change appears in Gerrit with the proposal's file; a second client declines and
// nothing is written. Also over stdio: cancellation of a slow draft (scripted model peer) stops the
// call on the server, which audits it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { jsonOf, runGic } from '../cli/run-gic.js';
import type { GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';
import { gerritForTests } from '../peers/gerrit/gerrit-test-peer.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import type { RunningPeer } from '../peers/peer.js';
import { connectStdio } from '../support/gic-mcp-process.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await gerritForTests();
const INTENT = { action: 'allow', subjects: [{ serviceAccount: 'ci/build-runner' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['DELETE'], paths: ['/api/builds/*'] }] };

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe.skipIf(!peer)('policy_submit_for_review through MCP against a real Gerrit', () => {
  const project = `mcp-policies-${Date.now().toString(36)}`;
  let client: GerritClient;
  let args: string[];

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    client = new GerritClient({ baseUrl: peer.info.url, credentials: { username: peer.info.user, password: peer.info.password } });
    await client.createProject(project, { create_empty_commit: true, branches: ['master'] });
    const secret = join(mkdtempSync(join(tmpdir(), 'gic-mcp-gerrit-')), 'password');
    writeFileSync(secret, peer.info.password);
    args = ['--gerrit-url', peer.info.url, '--gerrit-user', peer.info.user, '--gerrit-password-file', secret, '--policy-project', project, '--policy-path', 'deploy/istio'];
  });
  afterAll(async () => {
    await client?.close();
    await peer?.stop();
  });

  it('asks the person, and on "yes" opens the change; on "no" writes nothing', async () => {
    const session = await connectStdio(args, { capabilities: { elicitation: { form: {} } } });
    try {
      let answer: 'accept' | 'decline' = 'decline';
      session.client.setRequestHandler(ElicitRequestSchema, () => (answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' }));
      const proposed = (await session.client.callTool({ name: 'policy_propose', arguments: { intent: INTENT } })) as CallToolResult;
      expect(proposed.isError, text(proposed)).toBeFalsy();
      const proposal = (proposed.structuredContent as { proposal: string; verified: boolean }).proposal;

      const declined = (await session.client.callTool({ name: 'policy_submit_for_review', arguments: { proposal } })) as CallToolResult;
      expect(declined.isError).toBe(true);
      expect((await client.queryChanges(`project:${project}`)).length).toBe(0);

      answer = 'accept';
      const submitted = (await session.client.callTool({ name: 'policy_submit_for_review', arguments: { proposal } })) as CallToolResult;
      expect(submitted.isError, text(submitted)).toBeFalsy();
      const change = submitted.structuredContent as { change: { project: string; number: number; url: string }; files: string[]; alreadySubmitted: boolean };
      expect(change).toMatchObject({ change: { project }, alreadySubmitted: false, files: [expect.stringMatching(/^deploy\/istio\/builds\/.+\.yaml$/)] });
      const changes = await client.queryChanges(`project:${project}`);
      expect(changes.map((c) => c._number)).toEqual([change.change.number]);

      const run = await runGic(['audit', 'export', '-o', 'json', '--data-dir', session.dataDir]);
      const entries = (jsonOf(run) as { entries: { action: string; outcome: string }[] }).entries.filter((e) => e.action === 'mcp:policy_submit_for_review');
      expect(entries.map((e) => e.outcome)).toEqual(['refused', 'ok']);
    } finally {
      await session.close();
    }
  });
});

describe('cancellation over stdio', () => {
  let model: ScriptedModelServer;
  beforeAll(async () => {
    model = await createScriptedModelServer({ models: ['scripted-model'] });
  });
  afterAll(async () => {
    await model?.close();
  });

  it('a cancelled draft stops on the server and is audited as cancelled', async () => {
    const session = await connectStdio(['--model-url', model.baseUrl, '--model', 'scripted-model']);
    try {
      model.setScript([{ kind: 'json', delayMs: 20_000, value: { action: 'allow', who: [{ kind: 'group', name: 'release-managers' }], namespace: 'builds', workload: 'build-trigger' } }]);
      const abort = new AbortController();
      const pending = session.client.callTool({ name: 'policy_draft', arguments: { text: 'let release-managers trigger builds' } }, undefined, { signal: abort.signal });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      abort.abort('changed my mind');
      await expect(pending).rejects.toThrow();
      let outcome: { outcome: string; detail?: string } | undefined;
      for (let i = 0; i < 40 && outcome === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const run = await runGic(['audit', 'export', '-o', 'json', '--data-dir', session.dataDir]);
        outcome = (jsonOf(run) as { entries: { action: string; outcome: string; detail?: string }[] }).entries.find((e) => e.action === 'mcp:policy_draft');
      }
      expect(outcome).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('cancel') });
    } finally {
      await session.close();
    }
  });
});
