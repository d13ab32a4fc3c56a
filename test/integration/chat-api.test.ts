// The chat API through the real `gic serve` process (loopback, the demo mesh and the demo Gerrit
// snapshot, SQLite in a temporary data directory) with the scripted model server as the model:
// - intent extraction (`--chat-mode draft`): a clarifying question with options, the answer gets a
//   verified proposal, the conversation is kept across requests, the turns are audited;
// - function calling (`--chat-mode auto`): the model calls policy_check_access through the catalog and
//   its answer (holding markup) comes back byte for byte as data; invalid tool arguments twice, or a
//   server that rejects `tools`, fall back to intent extraction; the step bound stops a looping model;
// - without a model: ask mode (decision with trace) and the intent form still work, chat says why not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from '../cli/run-gic.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import { type GicServeProcess, startGicServe } from '../support/gic-serve-process.js';
import { chatTurn, type SentEvent } from '../support/server-sent-events.js';

let model: ScriptedModelServer;
let dir: string;
const servers: GicServeProcess[] = [];
beforeAll(async () => {
  model = await createScriptedModelServer();
  dir = mkdtempSync(join(tmpdir(), 'gic-chat-api-'));
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await model.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => model.reset());

async function serve(name: string, extra: readonly string[]): Promise<GicServeProcess> {
  const server = await startGicServe(['--mesh', 'examples/demo-mesh', '--gerrit-snapshot', 'examples/demo-gerrit', '--data-dir', join(dir, name), ...extra]);
  servers.push(server);
  return server;
}

const withModel = (): string[] => ['--model-url', model.baseUrl, '--model', 'scripted-model'];
const post = (url: string, body: unknown): Promise<Response> => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const types = (events: readonly SentEvent[]): string[] => events.map((e) => e.event);
const wrongGroup = { action: 'allow', who: [{ kind: 'group', name: 'release-manager-team' }], namespace: 'builds', workload: 'build-trigger', methods: ['POST'], paths: ['/api/builds'], duration: 'until Friday' };
const rightGroup = { ...wrongGroup, who: [{ kind: 'group', name: 'release-managers' }] };
const checkArgs = { request: { to: { namespace: 'builds', workload: 'build-trigger', port: 8080 }, from: { namespace: 'ci', workload: 'build-runner' }, method: 'POST', path: '/api/builds' } };

async function newConversation(url: string): Promise<string> {
  const created = await post(`${url}/api/conversations`, {});
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

describe('chat API through gic serve', { timeout: 240_000 }, () => {
  it('intent extraction: a question with options, then a verified proposal; the conversation is kept and audited', async () => {
    const server = await serve('draft', [...withModel(), '--chat-mode', 'draft']);
    const me = (await (await fetch(`${server.url}/api/me`)).json()) as { actor: string; via: string; can: Record<string, boolean> };
    expect(me).toMatchObject({ via: 'loopback', can: { ask: true, propose: true, chat: true, submit: false } });
    expect(me.actor).toMatch(/^local:/);
    model.setScript([{ kind: 'json', value: wrongGroup }, { kind: 'json', value: rightGroup }]);
    const id = await newConversation(server.url);

    const first = await chatTurn(server.url, id, 'let the release-manager-team trigger builds on build-trigger, but only POST /api/builds, until Friday');
    expect(types(first).filter((t) => t !== 'progress')).toEqual(['turn', 'questions', 'answer', 'done']);
    expect(first.find((e) => e.event === 'questions')?.data).toEqual({ type: 'questions', questions: [{ field: 'subjects[0]', question: 'There is no Gerrit group "release-manager-team". Which group did you mean?', options: ['release-managers'] }] });
    expect(first.some((e) => e.event === 'progress' && e.data['stage'] === 'model')).toBe(true);

    const second = await chatTurn(server.url, id, 'I meant release-managers');
    expect(types(second).filter((t) => t !== 'progress')).toEqual(['turn', 'proposal', 'answer', 'done']);
    const proposal = second.find((e) => e.event === 'proposal')?.data['proposal'] as { id: string; verified: boolean; expires: string; changes: { kind: string; summary: string }[]; yaml: string };
    expect(proposal.verified).toBe(true);
    expect(proposal.expires).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
    expect(proposal.changes).toEqual([expect.objectContaining({ kind: 'granted', summary: expect.stringContaining('may now POST /api/builds on builds/build-trigger') })]);
    expect(proposal.yaml).toContain(`policy.gic/expires: "${proposal.expires}"`);

    // Kept across requests (a reload reads it back), the proposal linked from the last turn.
    const stored = (await (await fetch(`${server.url}/api/conversations/${id}`)).json()) as { turns: { role: string; text: string; data?: Record<string, unknown> }[] };
    expect(stored.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(stored.turns[2]?.text).toBe('I meant release-managers');
    expect(stored.turns[3]?.data).toMatchObject({ proposal: proposal.id, verified: true });
    expect(((await (await fetch(`${server.url}/api/proposals/${proposal.id}`)).json()) as { proposal: { id: string } }).proposal.id).toBe(proposal.id);
    expect((await fetch(`${server.url}/api/conversations/nope`)).status).toBe(404);

    const audit = jsonOf(await runGic(['audit', 'export', '--data-dir', join(dir, 'draft'), '-o', 'json'])) as { entries: { action: string; actor: string; outcome: string }[]; verify: { ok: boolean } };
    expect(audit.entries.filter((e) => e.action === 'chat:draft').map((e) => e.outcome)).toEqual(['ok', 'ok']);
    expect(audit.entries.every((e) => e.actor === me.actor)).toBe(true);
    expect(audit.verify.ok).toBe(true);
  });

  it('function calling: the model checks access through the catalog; its answer with markup is returned as data', async () => {
    const server = await serve('tools', [...withModel(), '--chat-mode', 'auto', '--chat-max-steps', '3']);
    const answer = 'No: build-runner is denied <script>alert("x")</script> [details](javascript:alert(1)) <img src=x onerror=alert(2)>';
    model.setScript([
      { kind: 'tool-calls', calls: [{ name: 'policy_check_access', arguments: checkArgs }] },
      { kind: 'text', text: answer, stream: { chunkChars: 7 } },
    ]);
    const id = await newConversation(server.url);
    const events = await chatTurn(server.url, id, 'can ci/build-runner POST /api/builds on builds/build-trigger?');
    expect(types(events).filter((t) => t !== 'text')).toEqual(['turn', 'tool', 'tool', 'answer', 'done']);
    expect(events[0]?.data).toMatchObject({ mode: 'tools' });
    expect(events.filter((e) => e.event === 'tool').map((e) => e.data['status'])).toEqual(['call', 'ok']);
    expect(String(events.find((e) => e.event === 'tool' && e.data['status'] === 'ok')?.data['text'])).toMatch(/^DENY/);
    expect(events.filter((e) => e.event === 'text').map((e) => e.data['delta']).join('')).toBe(answer);
    expect(events.find((e) => e.event === 'answer')?.data).toMatchObject({ text: answer, mode: 'tools', steps: 2 });
    // The model was offered the catalog as functions, and saw the engine's answer as a tool message.
    const requests = model.requests().filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as { tools?: { function: { name: string } }[]; messages: { role: string; content: string }[] });
    const offered = requests[0]?.tools?.map((t) => t.function.name) ?? [];
    expect(offered).toContain('policy_check_access');
    expect(offered).toContain('policy_propose');
    // Submitting for review is the person's action, never the model's.
    expect(offered).not.toContain('policy_submit_for_review');
    expect(requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringMatching(/^DENY/) });
    const stored = (await (await fetch(`${server.url}/api/conversations/${id}`)).json()) as { turns: { text: string }[] };
    expect(stored.turns[1]?.text).toBe(answer);
  });

  it('function calling: a proposal made through policy_propose reaches the proposal panel from the store', async () => {
    const server = await serve('tools-propose', [...withModel(), '--chat-mode', 'tools']);
    const intent = { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] };
    model.setScript([
      { kind: 'tool-calls', calls: [{ name: 'policy_propose', arguments: { intent } }] },
      { kind: 'text', text: 'The proposal is verified; submit it when you are ready.' },
    ]);
    const id = await newConversation(server.url);
    const events = await chatTurn(server.url, id, 'let release-managers POST /api/builds on builds/build-trigger');
    const proposal = events.find((e) => e.event === 'proposal')?.data['proposal'] as { id: string; verified: boolean; changes: unknown[] };
    expect(proposal).toMatchObject({ verified: true, changes: [expect.objectContaining({ kind: 'granted' })] });
    const stored = (await (await fetch(`${server.url}/api/conversations/${id}`)).json()) as { turns: { data?: Record<string, unknown> }[] };
    expect(stored.turns[1]?.data).toMatchObject({ mode: 'tools', tools: ['policy_propose'], proposal: proposal.id });
    const audit = jsonOf(await runGic(['audit', 'export', '--data-dir', join(dir, 'tools-propose'), '-o', 'json'])) as { entries: { action: string; outcome: string; models?: { promptId: string }[]; evidence?: Record<string, unknown> }[] };
    expect(audit.entries.map((e) => e.action)).toEqual(['chat:policy_propose', 'chat:turn']);
    expect(audit.entries[1]).toMatchObject({ outcome: 'ok', models: [{ promptId: 'chat-agent' }], evidence: { conversation: id, steps: 2, proposals: [proposal.id] } });
  });

  it('falls back to intent extraction after invalid tool arguments twice, and when the server rejects tools', async () => {
    const server = await serve('fallback', [...withModel(), '--chat-mode', 'auto']);
    model.setScript([
      { kind: 'tool-calls', calls: [{ name: 'policy_check_access', arguments: '{"request": ' }] },
      { kind: 'tool-calls', calls: [{ name: 'policy_check_access', arguments: { request: { to: 'builds' } } }] },
      { kind: 'json', value: rightGroup },
    ]);
    const id = await newConversation(server.url);
    const events = await chatTurn(server.url, id, 'let release-managers POST /api/builds on build-trigger until Friday');
    expect(events.filter((e) => e.event === 'tool').map((e) => e.data['status'])).toEqual(['call', 'error', 'call', 'error']);
    expect(String(events.filter((e) => e.event === 'tool')[1]?.data['text'])).toContain('not JSON');
    expect(events.find((e) => e.event === 'fallback')?.data['reason']).toBe('the model called tools with invalid arguments twice in a row');
    expect(events.find((e) => e.event === 'proposal')?.data).toMatchObject({ proposal: { verified: true } });

    model.setScript([{ kind: 'http-error', status: 400, message: 'tools are not supported by this server' }, { kind: 'json', value: rightGroup }]);
    const again = await chatTurn(server.url, await newConversation(server.url), 'let release-managers POST /api/builds on build-trigger');
    expect(String(again.find((e) => e.event === 'fallback')?.data['reason'])).toContain('rejected function calling');
    expect(again.find((e) => e.event === 'proposal')?.data).toMatchObject({ proposal: { verified: true } });
  });

  it('stops a model that keeps calling tools at the step bound', async () => {
    const server = await serve('bound', [...withModel(), '--chat-mode', 'tools', '--chat-max-steps', '2']);
    model.setScript([
      { kind: 'tool-calls', calls: [{ name: 'mesh_summary', arguments: {} }] },
      { kind: 'tool-calls', calls: [{ name: 'mesh_summary', arguments: {} }] },
    ]);
    const events = await chatTurn(server.url, await newConversation(server.url), 'tell me everything');
    expect(events.find((e) => e.event === 'answer')?.data).toMatchObject({ text: 'I stopped after 2 steps (the limit per message).', steps: 2 });
    expect(model.requests().filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2);
  });

  it('behind the mesh (trusted-header auth): the Gerrit groups of the caller decide what the API offers and does', async () => {
    const server = await serve('groups', [...withModel(), '--auth', 'trusted-header', '--propose-groups', 'release-managers', '--submit-groups', 'gerrit-admins']);
    const as = (user: string, groups: string[]): Record<string, string> => ({ 'x-gic-jwt-payload': Buffer.from(JSON.stringify({ iss: 'https://idp.example.com', sub: user, groups })).toString('base64url') });
    const json = (headers: Record<string, string>): Record<string, string> => ({ ...headers, 'content-type': 'application/json' });
    const dev = as('dana', ['developers']);
    const rm = as('rita', ['release-managers']);
    expect(await (await fetch(`${server.url}/api/me`, { headers: dev })).json()).toMatchObject({ actor: 'user:dana', groups: ['developers'], via: 'trusted-header', can: { ask: true, propose: false, chat: false, submit: false } });
    expect(await (await fetch(`${server.url}/api/me`, { headers: rm })).json()).toMatchObject({ actor: 'user:rita', can: { ask: true, propose: true, chat: true, submit: false } });
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401);

    const refused = await fetch(`${server.url}/api/conversations`, { method: 'POST', headers: json(dev), body: '{}' });
    expect(refused.status).toBe(403);
    expect(await fetch(`${server.url}/api/proposals`, { method: 'POST', headers: json(dev), body: JSON.stringify({ intent: {} }) }).then((r) => r.status)).toBe(403);
    expect(await fetch(`${server.url}/api/ask`, { method: 'POST', headers: json(dev), body: JSON.stringify(checkArgs) }).then((r) => r.status)).toBe(200);

    // Rita's conversation is hers: Dana cannot read it.
    const created = (await (await fetch(`${server.url}/api/conversations`, { method: 'POST', headers: json(rm), body: '{}' })).json()) as { id: string };
    expect((await fetch(`${server.url}/api/conversations/${created.id}`, { headers: rm })).status).toBe(200);
    expect((await fetch(`${server.url}/api/conversations/${created.id}`, { headers: dev })).status).toBe(404);
  });

  it('without a model: ask mode and the intent form work, chat is not offered', async () => {
    const server = await serve('nomodel', []);
    expect(((await (await fetch(`${server.url}/api/me`)).json()) as { can: Record<string, boolean> }).can).toEqual({ ask: true, propose: true, chat: false, submit: false });
    const asked = (await (await post(`${server.url}/api/ask`, checkArgs)).json()) as { decision: { decision: string; trace: string[] }; text: string; by: string };
    expect(asked.decision.decision).toBe('DENY');
    expect(asked.decision.trace.some((step) => step.startsWith('ALLOW:'))).toBe(true);
    expect(asked.by).toBe('template');
    const proposed = await post(`${server.url}/api/proposals`, { intent: { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] } });
    expect(proposed.status).toBe(201);
    expect(((await proposed.json()) as { proposal: { verified: boolean } }).proposal.verified).toBe(true);
    const events = await chatTurn(server.url, await newConversation(server.url), 'hello');
    expect(events.find((e) => e.event === 'error')?.data).toMatchObject({ code: 'model-not-configured' });
    const submit = await post(`${server.url}/api/proposals/x/submit`, {});
    expect(submit.status).toBe(404);
  });
});
