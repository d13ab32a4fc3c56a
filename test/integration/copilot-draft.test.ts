// `draft` end to end on the demo mesh and the demo Gerrit snapshot with the scripted model server (a
// real OpenAI-compatible HTTP server on loopback): a clear request becomes a verified, stored proposal
// with a time-bound grant; a request naming a group that does not exist gets a clarifying question
// with the closest names, and the answer in the same conversation gets the proposal; malformed output
// gets one repair round, then a clear failure with nothing stored; what the model sees is only what
// the request names, fenced as data, within the token budget.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { draftPolicy } from '../../src/copilot/draft-policy.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import { copilotDeps } from '../support/copilot-fixture.js';
import { httpChatModel } from '../support/http-chat-model.js';

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await createScriptedModelServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const ctx = { actor: 'user:carol', action: 'gic draft' };

function promptOf(index: number): string {
  const body = server.requests().filter((r) => r.path === '/v1/chat/completions')[index]?.body as { messages: { content: string }[] } | undefined;
  return (body?.messages ?? []).map((m) => m.content).join('\n');
}

describe('draft with the scripted model', () => {
  it('a clear request with a time limit becomes a verified proposal that expires at the end of Friday', async () => {
    server.setScript([
      { kind: 'json', value: { action: 'allow', who: [{ kind: 'group', name: 'release-managers' }], namespace: 'builds', workload: 'build-trigger', methods: ['DELETE'], paths: ['/api/builds/*'], duration: 'until Friday' } },
    ]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const result = await draftPolicy(deps, { text: 'Let the release-managers delete builds (DELETE /api/builds/*) on build-trigger until Friday' }, ctx);
    expect(result.questions).toEqual([]);
    expect(result.intent).toMatchObject({ subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, expires: '2026-11-28T00:00:00Z' });
    expect(result.verified).toBe(true);
    expect(result.expires).toBe('2026-11-28T00:00:00Z');
    expect(result.yaml).toContain('policy.gic/expires: "2026-11-28T00:00:00Z"');
    expect(result.proposal).toBe('p1');
    expect((await deps.store.getProposal('p1'))).toMatchObject({ verified: true, conversationId: result.conversation });
    const conversation = (await deps.store.getConversation(result.conversation));
    expect(conversation?.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    const audit = (await deps.store.listAudit()).at(-1);
    expect(audit).toMatchObject({ actor: 'user:carol', action: 'gic draft', outcome: 'ok', models: [{ promptId: 'draft-intent', promptVersion: 2, model: 'scripted-model' }], evidence: { proposal: 'p1', verified: true } });

    // What the model saw: the request fenced as data, only the parts of the mesh it names, the clock.
    const prompt = promptOf(0);
    expect(prompt).toMatch(/<<<BEGIN UNTRUSTED DATA request [0-9a-f]{8}>>>\nLet the release-managers/);
    expect(prompt).toContain('builds/build-trigger');
    expect(prompt).toContain('release-managers: Cut releases');
    expect(prompt).toContain('Wednesday, 2026-11-25');
    expect(prompt).not.toContain('docs-site');
    expect(prompt).not.toContain('gerrit-admins');
    expect(result.usage?.promptTokens).toBeGreaterThan(0);
    expect(result.usage?.promptTokens).toBeLessThan(4_000);
  });

  it('a group that does not exist: a question with the closest names, then the answer completes the draft', async () => {
    server.setScript([
      { kind: 'json', value: { action: 'allow', who: [{ kind: 'group', name: 'release-manager-team' }], namespace: 'builds', workload: 'build-trigger', methods: ['POST'], paths: ['/api/builds'] } },
      { kind: 'json', value: { action: 'allow', who: [{ kind: 'group', name: 'release-managers' }], namespace: 'builds', workload: 'build-trigger', methods: ['POST'], paths: ['/api/builds'] } },
    ]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const first = await draftPolicy(deps, { text: 'let the release-manager-team trigger builds on build-trigger' }, ctx);
    expect(first.proposal).toBeUndefined();
    expect(first.intent).toBeNull();
    expect(first.questions).toEqual([{ field: 'subjects[0]', question: 'There is no Gerrit group "release-manager-team". Which group did you mean?', options: ['release-managers'] }]);
    expect(await deps.store.getProposal('p1')).toBeUndefined();

    const second = await draftPolicy(deps, { text: 'I meant release-managers', conversation: first.conversation }, ctx);
    expect(second.questions).toEqual([]);
    expect(second.conversation).toBe(first.conversation);
    expect(second.verified).toBe(true);
    expect(second.intent?.subjects).toEqual([{ gerritGroup: 'release-managers' }]);
    // The model saw the earlier turn and gic's question, as data.
    const prompt = promptOf(1);
    expect(prompt).toMatch(/<<<BEGIN UNTRUSTED DATA conversation [0-9a-f]{8}>>>\nperson: let the release-manager-team trigger builds on build-trigger\ngic: There is no Gerrit group/);
    expect((await deps.store.getConversation(first.conversation))?.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    // Another person cannot continue the conversation.
    await expect(draftPolicy(deps, { text: 'allow anyone', conversation: first.conversation }, { actor: 'user:mallory' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a workload that does not exist and an unreadable time limit are asked about', async () => {
    server.setScript([{ kind: 'json', value: { action: 'allow', who: [{ kind: 'serviceAccount', name: 'ci/build-runner' }], namespace: 'builds', workload: 'build-triger', methods: ['POST'], duration: 'until the release' } }]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const result = await draftPolicy(deps, { text: 'let ci/build-runner POST to build-triger in builds until the release' }, ctx);
    expect(result.questions.map((q) => q.field)).toEqual(['target.workload', 'expires']);
    expect(result.questions[0]?.options).toContain('builds/build-trigger');
  });

  it('malformed JSON gets one repair round (its own prompt, audited)', async () => {
    server.setScript([
      { kind: 'raw-content', content: '{"action": "allow", "who": [{"kind": "group", "name": "release-managers"}' },
      { kind: 'json', value: { action: 'allow', who: [{ kind: 'group', name: 'release-managers' }], namespace: 'builds', workload: 'build-trigger', methods: ['DELETE'], paths: ['/api/builds/*'] } },
    ]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const result = await draftPolicy(deps, { text: 'release-managers may DELETE /api/builds/* on build-trigger' }, ctx);
    expect(result.usage?.rounds).toBe(2);
    expect(result.verified).toBe(true);
    expect(promptOf(1)).toMatch(/Your answer cannot be used\. The problems, as data:\n<<<BEGIN UNTRUSTED DATA problems/);
    expect((await deps.store.listAudit()).at(-1)?.models?.map((m) => `${m.promptId}.v${m.promptVersion}`)).toEqual(['draft-intent.v2', 'repair-structured-output.v1']);
  });

  it('still invalid after the repair round, or a failing server: a clear error and nothing stored', async () => {
    server.setScript([
      { kind: 'json', value: { action: 'grant', who: 'everyone' } },
      { kind: 'json', value: { action: 'grant', who: 'everyone' } },
    ]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    await expect(draftPolicy(deps, { text: 'release-managers may DELETE builds on build-trigger' }, ctx)).rejects.toMatchObject({ code: 'model-invalid-output' });
    server.setScript([{ kind: 'http-error', status: 500, message: 'GPU on fire' }]);
    await expect(draftPolicy(deps, { text: 'release-managers may DELETE builds on build-trigger' }, ctx)).rejects.toMatchObject({ code: expect.stringMatching(/^model-/) });
    expect(await deps.store.getProposal('p1')).toBeUndefined();
    expect(await deps.store.getConversation('c1')).toBeUndefined();
    expect((await deps.store.listAudit()).map((a) => a.outcome)).toEqual(['failed', 'failed']);
  });

  it('a caller that cancels while the model thinks gets cancelled, and nothing is stored', async () => {
    server.setScript([{ kind: 'json', delayMs: 5_000, value: { action: 'allow', who: [{ kind: 'group', name: 'release-managers' }], namespace: 'builds', workload: 'build-trigger' } }]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const controller = new AbortController();
    const progress: string[] = [];
    setTimeout(() => controller.abort(new Error('the person closed the page')), 200);
    await expect(draftPolicy(deps, { text: 'release-managers may POST /api/builds on build-trigger' }, { ...ctx, signal: controller.signal, onProgress: (e) => progress.push(e.stage) })).rejects.toMatchObject({ code: 'cancelled' });
    expect(progress).toEqual(['context', 'model']);
    expect(await deps.store.getConversation('c1')).toBeUndefined();
    expect((await deps.store.listAudit()).map((a) => a.outcome)).toEqual(['failed']);
  });

  it('without a model, draft refuses with model-not-configured and nothing is stored', async () => {
    const deps = await copilotDeps();
    await expect(draftPolicy(deps, { text: 'anything' }, ctx)).rejects.toMatchObject({ code: 'model-not-configured' });
    expect(await deps.store.getConversation('c1')).toBeUndefined();
  });
});
