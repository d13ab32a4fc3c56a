// The chat turn's tool loop in process, with gic's own model client against the scripted model server and
// the real tools/ catalog on the demo mesh: the token bound stops the loop; an unknown tool and a tool
// that fails (a workload the mesh does not have) come back to the model as errors and change nothing; a
// caller who may not propose is refused before the model is asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { allTools } from '../../tools/index.js';
import type { ChatEvent } from '../../src/chat/chat-event.js';
import { type ChatEngine, runChatTurn } from '../../src/chat/chat-turn.js';
import { createCopilot } from '../../src/copilot/copilot.js';
import { silentLogger } from '../../src/log.js';
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

const caller = { actor: 'user:carol', groups: ['release-managers'] };

async function turn(text: string, settings: Partial<ChatEngine['settings']> = {}, allows: ChatEngine['allows'] = () => Promise.resolve(true)): Promise<{ events: ChatEvent[]; engine: ChatEngine; conversation: string }> {
  const copilot = createCopilot(await copilotDeps({ model: httpChatModel(server.baseUrl) }));
  const engine: ChatEngine = { copilot, tools: allTools, settings: { mode: 'tools', maxSteps: 6, maxTokens: 24_000, ...settings }, logger: silentLogger, allows };
  const conversation = (await copilot.deps.store.createConversation(caller.actor)).id;
  const events: ChatEvent[] = [];
  await runChatTurn(engine, { conversation, text, caller, signal: new AbortController().signal, surface: 'chat' }, (e) => events.push(e));
  return { events, engine, conversation };
}

describe('the chat tool loop', () => {
  it('stops at the token bound', async () => {
    server.setScript([{ kind: 'tool-calls', calls: [{ name: 'mesh_summary', arguments: {} }], usage: { prompt_tokens: 3_900, completion_tokens: 200 } }]);
    const { events } = await turn('what is in the mesh?', { maxTokens: 4_000 });
    expect(events.at(-1)).toMatchObject({ type: 'answer', text: 'I stopped at the token limit of one message.', steps: 1, usage: { promptTokens: 3_900, completionTokens: 200 } });
    expect(server.requests().filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
  });

  it('an unknown tool and a failing tool are errors for the model, and the turn goes on', async () => {
    server.setScript([
      { kind: 'tool-calls', calls: [{ name: 'kubectl_apply', arguments: {} }, { name: 'policy_check_access', arguments: { request: { to: { namespace: 'builds', workload: 'no-such-thing', port: 8080 } } } }] },
      { kind: 'text', text: 'That workload does not exist.' },
    ]);
    const { events, engine, conversation } = await turn('can anyone reach builds/no-such-thing?');
    const tools = events.filter((e): e is Extract<ChatEvent, { type: 'tool' }> => e.type === 'tool' && e.status !== 'call');
    expect(tools.map((t) => [t.name, t.status])).toEqual([['kubectl_apply', 'error'], ['policy_check_access', 'error']]);
    expect(tools[0]?.text).toBe('there is no tool "kubectl_apply" (or the caller may not use it)');
    expect(tools[1]?.text).toMatch(/^not-found: /);
    const second = server.requests().filter((r) => r.path === '/v1/chat/completions')[1]?.body as { messages: { role: string; content: string }[] };
    expect(second.messages.filter((m) => m.role === 'tool').map((m) => m.content.slice(0, 6))).toEqual(['error:', 'error:']);
    expect(events.at(-1)).toMatchObject({ type: 'answer', text: 'That workload does not exist.', steps: 2 });
    expect((await engine.copilot.deps.store.getConversation(conversation))?.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
  });

  it('a caller whose groups do not allow proposing is refused before the model is asked', async () => {
    const { events } = await turn('let me in', {}, (_caller, access) => Promise.resolve(access === 'read'));
    expect(events).toEqual([{ type: 'error', code: 'forbidden', message: 'user:carol may not draft policies (not in a group allowed to propose)' }]);
    expect(server.requests()).toHaveLength(0);
  });
});
