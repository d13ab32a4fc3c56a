// `gic draft` end to end through the real binary, on the demo mesh and the demo Gerrit snapshot, with
// the scripted model server as the model endpoint (loopback: the egress guard allows it): the request
// names a group that does not exist, gic asks with the closest names, the answer in the same
// conversation gets a verified, time-bound proposal stored in the data dir, and the audit log verifies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from '../cli/run-gic.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';

let server: ScriptedModelServer;
let dir: string;
beforeAll(async () => {
  server = await createScriptedModelServer();
  dir = mkdtempSync(join(tmpdir(), 'gic-draft-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gic draft with the scripted model', { timeout: 180_000 }, () => {
  it('asks a clarifying question, then drafts a verified time-bound proposal from the answer', async () => {
    server.setScript([
      { kind: 'json', value: { action: 'allow', who: [{ kind: 'group', name: 'release-manager-team' }], namespace: 'builds', workload: 'build-trigger', methods: ['DELETE'], paths: ['/api/builds/*'], duration: 'until Friday' } },
      { kind: 'json', value: { action: 'allow', who: [{ kind: 'group', name: 'release-managers' }], namespace: 'builds', workload: 'build-trigger', methods: ['DELETE'], paths: ['/api/builds/*'], duration: 'until Friday' } },
    ]);
    const common = ['--mesh', 'examples/demo-mesh', '--gerrit-snapshot', 'examples/demo-gerrit', '--data-dir', join(dir, 'data'), '--model-url', server.baseUrl, '--model', 'scripted-model', '-o', 'json'];
    const first = await runGic(['draft', 'let the release-manager-team delete builds (DELETE /api/builds/*) on build-trigger until Friday', ...common]);
    expect(first.code, first.stderr).toBe(0);
    const asked = jsonOf(first) as { questions: { field: string; options: string[] }[]; conversation: string; proposal?: string };
    expect(asked.proposal).toBeUndefined();
    expect(asked.questions[0]).toMatchObject({ field: 'subjects[0]', options: ['release-managers'] });

    const second = await runGic(['draft', '--conversation', asked.conversation, 'I meant release-managers', ...common]);
    expect(second.code, second.stderr).toBe(0);
    const drafted = jsonOf(second) as { verified: boolean; proposal: string; conversation: string; expires: string; yaml: string; questions: unknown[] };
    expect(drafted.questions).toEqual([]);
    expect(drafted.conversation).toBe(asked.conversation);
    expect(drafted.verified).toBe(true);
    expect(drafted.expires).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    expect(new Date(drafted.expires).getUTCDay()).toBe(6);
    expect(drafted.yaml).toContain(`policy.gic/expires: "${drafted.expires}"`);

    const audit = jsonOf(await runGic(['audit', 'export', '--data-dir', join(dir, 'data'), '-o', 'json'])) as { entries: { action: string; models?: { promptId: string }[] }[]; verify: { ok: boolean } };
    expect(audit.entries.map((e) => e.action)).toEqual(['gic draft', 'gic draft']);
    expect(audit.entries.every((e) => e.models?.[0]?.promptId === 'draft-intent')).toBe(true);
  });
});
