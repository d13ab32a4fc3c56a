// `explain` with the scripted model server: a grounded answer is used (`by: model`); an answer that
// invents a policy name, skips the decision, fails, or is cut off falls back to the template text
// (`by: template`, with the reason); the facts and the decision are the engine's either way; the
// prompt id and version are in the audit log with each call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { explainAccess } from '../../src/copilot/explain-access.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import { copilotDeps, REPO } from '../support/copilot-fixture.js';
import { httpChatModel } from '../support/http-chat-model.js';

let server: ScriptedModelServer;
beforeAll(async () => {
  server = await createScriptedModelServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const ctx = { actor: 'user:erin', action: 'gic explain' };
const request = JSON.parse(readFileSync(join(REPO, 'examples', 'requests', 'developer-triggers-build.json'), 'utf8')) as unknown;
const GOOD = 'The request to builds/build-trigger on port 8080 is denied (DENY): the ALLOW policy builds/build-trigger-allow has 3 rules and none of them matches, so the default deny applies.';

describe('explain with a model', () => {
  it('uses a grounded answer, with the same facts and decision as without a model', async () => {
    server.setScript([{ kind: 'text', text: GOOD }]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const withModel = await explainAccess(deps, { subject: { request } }, ctx);
    expect(withModel.by).toBe('model');
    expect(withModel.text).toBe(GOOD);
    expect(withModel.fallback).toBeUndefined();
    const without = await explainAccess(await copilotDeps(), { subject: { request } }, ctx);
    expect(without.by).toBe('template');
    expect(withModel.facts).toEqual(without.facts);
    expect(withModel.decision).toEqual(without.decision);
    expect((await deps.store.listAudit())[0]).toMatchObject({ outcome: 'ok', models: [{ promptId: 'explain-access', promptVersion: 1, model: 'scripted-model', endpoint: server.baseUrl }], evidence: { by: 'model' } });
    // The facts went to the model as fenced data; the question is gic's own.
    const body = server.requests().find((r) => r.path === '/v1/chat/completions')?.body as { messages: { role: string; content: string }[] };
    expect(body.messages[1]?.content).toMatch(/^Explain why the request gets the decision the facts state\.\n\nFacts:\n<<<BEGIN UNTRUSTED DATA facts [0-9a-f]{8}>>>\n\[\{"kind":"decision"/);
  });

  it.each([
    ['invents a policy name', 'The request is denied (DENY) by the policy builds/deny-developers-on-weekends.', /builds\/deny-developers-on-weekends/],
    ['invents a workload', 'It is denied (DENY); developers should go through the release-gateway workload instead.', /release-gateway/],
    ['does not state the decision', 'The policy builds/build-trigger-allow has 3 rules.', /does not state the decision/],
  ])('falls back to the template when the model %s', async (_what, text, reason) => {
    server.setScript([{ kind: 'text', text }]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const result = await explainAccess(deps, { subject: { request } }, ctx);
    expect(result.by).toBe('template');
    expect(result.fallback?.reason).toMatch(reason);
    expect(result.text).toContain('is denied (DENY)');
    expect(result.text).not.toContain(text);
    expect((await deps.store.listAudit())[0]).toMatchObject({ outcome: 'ok', evidence: { by: 'template', fallback: expect.stringMatching(reason) } });
  });

  it('falls back to the template when the model fails or is cut off', async () => {
    server.setScript([{ kind: 'http-error', status: 503, message: 'overloaded' }, { kind: 'text', text: GOOD, finishReason: 'length' }]);
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const failed = await explainAccess(deps, { subject: { workload: 'builds/build-trigger' } }, ctx);
    expect(failed.by).toBe('template');
    expect(failed.fallback?.reason).toMatch(/the model failed/);
    const cut = await explainAccess(deps, { subject: { request } }, ctx);
    expect(cut.by).toBe('template');
    expect(cut.fallback?.reason).toMatch(/cut off/);
  });

  it('useModel false keeps the model out of it', async () => {
    const deps = await copilotDeps({ model: httpChatModel(server.baseUrl) });
    const result = await explainAccess(deps, { subject: { request }, useModel: false }, ctx);
    expect(result.by).toBe('template');
    expect(server.requests()).toHaveLength(0);
  });
});
