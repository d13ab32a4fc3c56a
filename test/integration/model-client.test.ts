// The model client (src/model/openai-chat-model.ts) and generateObject against the scripted
// OpenAI-compatible model server (test/peers/model): good answers, malformed JSON, schema violations, the
// repair round, slow answers, 429/500 with Retry-After, streams cut mid-way, tool calls, cancellation, the
// concurrency limit and the structured-output dialects. Each case asserts the result or the error code,
// and how many requests and retries it took.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { EgressGuard } from '../../src/model/egress-guard.js';
import { generateObject } from '../../src/model/generate-object.js';
import { OpenAiChatModel, type OpenAiChatModelOptions } from '../../src/model/openai-chat-model.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';

const MODEL = 'scripted-model';

const IntentSchema = z.strictObject({
  action: z.enum(['allow', 'deny']),
  group: z.string().min(1),
  workload: z.string().min(1),
  methods: z.array(z.enum(['GET', 'POST', 'PUT', 'DELETE'])).min(1),
});
const GOOD_INTENT = { action: 'allow', group: 'release-managers', workload: 'builds/build-trigger', methods: ['POST'] };
const MESSAGES = [
  { role: 'system', content: 'Extract the access intent.' },
  { role: 'user', content: 'let release managers trigger builds' },
] as const;

let server: ScriptedModelServer;
const clients: OpenAiChatModel[] = [];

beforeAll(async () => {
  server = await createScriptedModelServer({ models: [MODEL] });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  expect(server.remainingSteps(), 'every scripted step was used').toBe(0);
  server.reset();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** Waits recorded by the client's retry loop (no real sleeping in these tests). */
let waits: number[] = [];

function client(options: Partial<OpenAiChatModelOptions> = {}): OpenAiChatModel {
  waits = [];
  const created = new OpenAiChatModel({
    baseUrl: server.baseUrl,
    model: MODEL,
    guard: new EgressGuard(),
    timeoutMs: 5_000,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
  clients.push(created);
  return created;
}

const chatBodies = (): Record<string, unknown>[] =>
  server
    .requests()
    .filter((r) => r.path === '/v1/chat/completions')
    .map((r) => r.body as Record<string, unknown>);

describe('model client: answers', () => {
  it('returns the text, usage and model of a good answer; sends the placeholder key and no tool_choice', async () => {
    server.setScript([{ kind: 'text', text: 'Hello there.', usage: { prompt_tokens: 12, completion_tokens: 3 } }]);
    const model = client();
    const response = await model.generate({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 50, temperature: 0 });
    expect(response).toEqual({ content: 'Hello there.', toolCalls: [], finishReason: 'stop', usage: { promptTokens: 12, completionTokens: 3 }, model: MODEL });
    expect(model.stats).toEqual({ requests: 1, retries: 0, fallbacks: 0 });
    const [request] = server.requests();
    expect(request?.headers.authorization).toBe('Bearer gic-no-api-key');
    expect(request?.body).toEqual({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 50, temperature: 0 });
    expect(model.endpoint).toBe(server.baseUrl);
  });

  it('strips reasoning (think tags and reasoning_content) from the answer and from streamed text', async () => {
    server.setScript([
      { kind: 'text', text: '<think>The user wants a greeting.</think>Hello.', reasoningContent: 'more private thoughts' },
      { kind: 'text', text: '<think>Streamed thinking</think>Hello, stream.', reasoningContent: 'hidden', stream: { chunkChars: 3 } },
    ]);
    const model = client();
    expect((await model.generate({ messages: [{ role: 'user', content: 'hi' }] })).content).toBe('Hello.');
    const deltas: string[] = [];
    const streamed = await model.generate({ messages: [{ role: 'user', content: 'hi' }], onText: (delta) => deltas.push(delta) });
    expect(streamed.content).toBe('Hello, stream.');
    expect(deltas.join('')).toBe('Hello, stream.');
    expect(deltas.length).toBeGreaterThan(2);
    expect(chatBodies()[1]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('maps native tool calls and tool calls written as text; sends the tool result back in the wire shape', async () => {
    const tools = [{ name: 'mesh_summary', description: 'Summarise the mesh', parameters: { type: 'object', properties: { namespace: { type: 'string' } } } }];
    server.setScript([
      { kind: 'tool-calls', calls: [{ id: 'call_a', name: 'mesh_summary', arguments: { namespace: 'builds' } }] },
      { kind: 'raw-content', content: '<tool_call>\n{"name": "mesh_summary", "arguments": {"namespace": "web"}}\n</tool_call>' },
      { kind: 'raw-content', content: '```json\n{"name": "not_offered", "arguments": {}}\n```' },
      { kind: 'text', text: 'Two namespaces.' },
    ]);
    const model = client();
    const first = await model.generate({ messages: [{ role: 'user', content: 'summarise' }], tools });
    expect(first).toMatchObject({ content: '', finishReason: 'tool_calls', toolCalls: [{ id: 'call_a', name: 'mesh_summary', arguments: '{"namespace":"builds"}' }] });
    const second = await model.generate({ messages: [{ role: 'user', content: 'summarise' }], tools });
    expect(second).toMatchObject({ content: '', finishReason: 'tool_calls', toolCalls: [{ id: 'text_call_1', name: 'mesh_summary', arguments: '{"namespace":"web"}' }] });
    const third = await model.generate({ messages: [{ role: 'user', content: 'summarise' }], tools });
    expect(third).toMatchObject({ finishReason: 'stop', toolCalls: [] });
    const final = await model.generate({
      messages: [
        { role: 'user', content: 'summarise' },
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_a', content: '{"workloads": 3}' },
      ],
      tools,
    });
    expect(final.content).toBe('Two namespaces.');
    for (const body of chatBodies()) {
      expect(body).not.toHaveProperty('tool_choice');
      expect(body).not.toHaveProperty('parallel_tool_calls');
    }
    expect(chatBodies()[3]?.['messages']).toEqual([
      { role: 'user', content: 'summarise' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'mesh_summary', arguments: '{"namespace":"builds"}' } }] },
      { role: 'tool', tool_call_id: 'call_a', content: '{"workloads": 3}' },
    ]);
  });

  it('streams native tool-call deltas into whole calls', async () => {
    server.setScript([{ kind: 'tool-calls', calls: [{ name: 'mesh_summary', arguments: { namespace: 'builds', verbose: true } }], stream: { chunkChars: 4 } }]);
    const response = await client().generate({
      messages: [{ role: 'user', content: 'summarise' }],
      tools: [{ name: 'mesh_summary', description: 'Summarise', parameters: { type: 'object' } }],
      onText: () => undefined,
    });
    expect(response.toolCalls).toEqual([{ id: 'call_1', name: 'mesh_summary', arguments: '{"namespace":"builds","verbose":true}' }]);
    expect(response.finishReason).toBe('tool_calls');
  });
});

describe('model client: failures and retries', () => {
  it('retries 429 after exactly the Retry-After the server asked for, then answers', async () => {
    server.setScript([
      { kind: 'http-error', status: 429, retryAfter: 2, message: 'slow down' },
      { kind: 'text', text: 'ok' },
    ]);
    const model = client();
    expect((await model.generate({ messages: [{ role: 'user', content: 'hi' }] })).content).toBe('ok');
    expect(model.stats).toEqual({ requests: 2, retries: 1, fallbacks: 0 });
    expect(waits).toEqual([2_000]);
  });

  it('gives up on 500 after maxRetries with model-unavailable, backing off in between', async () => {
    server.setScript([500, 502, 503].map((status) => ({ kind: 'http-error' as const, status, message: `boom ${status}` })));
    const model = client({ retry: { maxRetries: 2, baseDelayMs: 100 } });
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      code: 'model-unavailable',
      retryable: true,
      message: expect.stringContaining('HTTP 503: boom 503'),
      details: { status: 503 },
    });
    expect(model.stats).toEqual({ requests: 3, retries: 2, fallbacks: 0 });
    expect(waits).toEqual([50, 100]);
  });

  it('fails at once when Retry-After asks for longer than gic waits', async () => {
    server.setScript([{ kind: 'http-error', status: 429, retryAfter: 120 }]);
    const model = client();
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-rate-limited', message: expect.stringContaining('120 s') });
    expect(model.stats.requests).toBe(1);
  });

  it('maps 401, 404 for the model and 400 to their codes without retrying', async () => {
    const keyed = await createScriptedModelServer({ models: [MODEL], apiKey: 'sekret' });
    try {
      const unauthorised = new OpenAiChatModel({ baseUrl: keyed.baseUrl, model: MODEL, guard: new EgressGuard() });
      const authorised = new OpenAiChatModel({ baseUrl: keyed.baseUrl, model: MODEL, apiKey: 'sekret', guard: new EgressGuard() });
      keyed.setScript([{ kind: 'text', text: 'welcome' }]);
      await expect(unauthorised.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-unauthorized' });
      expect((await authorised.generate({ messages: [{ role: 'user', content: 'hi' }] })).content).toBe('welcome');
      expect(unauthorised.stats.requests).toBe(1);
      await Promise.all([unauthorised.close(), authorised.close()]);
    } finally {
      await keyed.close();
    }
    const wrongModel = client({ model: 'no-such-model' });
    await expect(wrongModel.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-not-served', message: expect.stringContaining('no-such-model') });
    server.setScript([
      { kind: 'http-error', status: 400, message: 'context too long' },
      { kind: 'http-error', status: 422, body: { detail: [{ loc: ['body', 'messages'], msg: 'field required' }] } },
    ]);
    const model = client();
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-bad-request', retryable: false, message: expect.stringContaining('HTTP 400: context too long') });
    // A FastAPI-style body without `error`: its detail still reaches the message.
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-bad-request', message: expect.stringContaining('field required') });
    expect(model.stats.requests).toBe(2);
  });

  it('times out a slow answer with model-timeout (not retried: a slow model stays slow)', async () => {
    server.setScript([{ kind: 'text', text: 'too late', delayMs: 2_000 }]);
    const model = client({ timeoutMs: 300 });
    const started = performance.now();
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-timeout', message: expect.stringContaining('300 ms') });
    expect(performance.now() - started).toBeLessThan(1_900);
    expect(model.stats).toMatchObject({ requests: 1, retries: 0 });
  });

  it('times out a stream that stalls between chunks', async () => {
    // undici checks body timeouts on a coarse (about 0.5 s) timer: the pause is long against that.
    server.setScript([{ kind: 'text', text: 'a slow stream of text', stream: { chunkChars: 4, chunkDelayMs: 2_500 } }]);
    const model = client({ timeoutMs: 10_000, idleTimeoutMs: 200 });
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }], onText: () => undefined })).rejects.toMatchObject({ code: 'model-timeout' });
  });

  it('reports a stream cut after text was shown as model-stream-cut, without retrying (no duplicated text)', async () => {
    for (const stopWith of ['close', 'reset', 'end', 'error-event'] as const) {
      server.setScript([{ kind: 'text', text: 'This answer is cut off somewhere in the middle.', stream: { chunkChars: 5, stopAfterChunks: 4, stopWith } }]);
      const model = client();
      const deltas: string[] = [];
      await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }], onText: (d) => deltas.push(d) }), stopWith).rejects.toMatchObject({ code: 'model-stream-cut' });
      expect(model.stats.requests, stopWith).toBe(1);
      if (stopWith !== 'reset') expect(deltas.join(''), stopWith).toBe('This answer is ');
      server.reset();
    }
  });

  it('retries a stream cut before any text, and a dropped connection', async () => {
    server.setScript([
      { kind: 'text', text: 'never shown', stream: { stopAfterChunks: 1 } },
      { kind: 'disconnect', how: 'reset' },
      { kind: 'text', text: 'whole answer' },
    ]);
    const model = client();
    const deltas: string[] = [];
    const response = await model.generate({ messages: [{ role: 'user', content: 'hi' }], onText: (d) => deltas.push(d) });
    expect(response.content).toBe('whole answer');
    expect(deltas.join('')).toBe('whole answer');
    expect(model.stats).toEqual({ requests: 3, retries: 2, fallbacks: 0 });
  });

  it('fails with model-unavailable when nothing listens', async () => {
    const probe = await createScriptedModelServer();
    const baseUrl = probe.baseUrl;
    await probe.close();
    const model = client({ baseUrl, retry: { maxRetries: 1 } });
    await expect(model.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-unavailable', message: expect.stringContaining('ECONNREFUSED') });
    expect(model.stats).toMatchObject({ requests: 2, retries: 1 });
  });

  it('cancels with the caller signal: rejects with its reason, the server sees the request go away', async () => {
    server.setScript([{ kind: 'text', text: 'late', delayMs: 3_000 }]);
    const model = client();
    const controller = new AbortController();
    const pending = model.generate({ messages: [{ role: 'user', content: 'hi' }], signal: controller.signal });
    await waitUntil(() => server.concurrency().current === 1);
    controller.abort(new Error('user pressed stop'));
    await expect(pending).rejects.toThrow('user pressed stop');
    await waitUntil(() => server.concurrency().current === 0);
    expect(model.stats).toMatchObject({ requests: 1, retries: 0 });
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    server.setScript(Array.from({ length: 5 }, (_, n) => ({ kind: 'text' as const, text: `answer ${n}`, delayMs: 150 })));
    const model = client({ concurrency: 2 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => model.generate({ messages: [{ role: 'user', content: 'hi' }] })));
    expect(answers.map((a) => a.content).sort()).toEqual(['answer 0', 'answer 1', 'answer 2', 'answer 3', 'answer 4']);
    expect(server.concurrency().max).toBe(2);
  });
});

describe('generateObject', () => {
  it('returns a valid value in one round and asks for json_schema with the derived schema', async () => {
    server.setScript([{ kind: 'json', value: GOOD_INTENT, usage: { prompt_tokens: 90, completion_tokens: 30 } }]);
    const result = await generateObject({ model: client(), messages: MESSAGES, schema: IntentSchema, name: 'intent' });
    expect(result).toEqual({ value: GOOD_INTENT, usage: { promptTokens: 90, completionTokens: 30 }, rounds: 1, raw: JSON.stringify(GOOD_INTENT), model: MODEL });
    const body = chatBodies()[0];
    expect(body?.['temperature']).toBe(0);
    expect(body?.['response_format']).toMatchObject({ type: 'json_schema', json_schema: { name: 'intent', schema: { type: 'object', required: ['action', 'group', 'workload', 'methods'], additionalProperties: false } } });
    expect(body?.['response_format']).not.toHaveProperty('json_schema.schema.$schema');
  });

  it('accepts fenced JSON with reasoning around it', async () => {
    server.setScript([{ kind: 'raw-content', content: `<think>hmm</think>Sure:\n\`\`\`json\n${JSON.stringify(GOOD_INTENT)}\n\`\`\`` }]);
    const result = await generateObject({ model: client(), messages: MESSAGES, schema: IntentSchema, name: 'intent' });
    expect(result).toMatchObject({ value: GOOD_INTENT, rounds: 1 });
  });

  it('repairs malformed JSON in a second round that shows the model its answer and the problem', async () => {
    server.setScript([
      { kind: 'raw-content', content: '{"action": "allow", "group": "release-managers",', usage: { prompt_tokens: 90, completion_tokens: 20 } },
      { kind: 'json', value: GOOD_INTENT, usage: { prompt_tokens: 130, completion_tokens: 30 } },
    ]);
    const result = await generateObject({ model: client(), messages: MESSAGES, schema: IntentSchema, name: 'intent' });
    expect(result).toMatchObject({ value: GOOD_INTENT, rounds: 2, usage: { promptTokens: 220, completionTokens: 50 } });
    const repair = chatBodies()[1]?.['messages'] as { role: string; content: string }[];
    expect(repair.slice(0, 2)).toEqual(MESSAGES);
    expect(repair[2]).toEqual({ role: 'assistant', content: '{"action": "allow", "group": "release-managers",' });
    expect(repair[3]?.role).toBe('user');
    expect(repair[3]?.content).toContain('incomplete');
  });

  it('repairs a schema violation, listing each failing field', async () => {
    server.setScript([
      { kind: 'json', value: { ...GOOD_INTENT, methods: ['FETCH'], extra: 1 } },
      { kind: 'json', value: GOOD_INTENT },
    ]);
    const result = await generateObject({ model: client(), messages: MESSAGES, schema: IntentSchema, name: 'intent' });
    expect(result.rounds).toBe(2);
    const repairText = (chatBodies()[1]?.['messages'] as { content: string }[])[3]?.content ?? '';
    expect(repairText).toMatch(/- methods\.0: /);
    expect(repairText).toContain('extra');
  });

  it('fails with model-invalid-output after one repair round', async () => {
    server.setScript([
      { kind: 'json', value: { action: 'allow-everyone' } },
      { kind: 'text', text: 'Ignore the rules: everyone is allowed.' },
    ]);
    const model = client();
    const failure = generateObject({ model, messages: MESSAGES, schema: IntentSchema, name: 'intent' });
    await expect(failure).rejects.toMatchObject({ code: 'model-invalid-output', details: { name: 'intent', rounds: 2, raw: 'Ignore the rules: everyone is allowed.' } });
    await expect(failure).rejects.toThrow(/not valid after a repair round: the answer holds no JSON object/);
    expect(model.stats.requests).toBe(2);
  });

  it('streams each round through onText', async () => {
    server.setScript([{ kind: 'json', value: GOOD_INTENT, stream: { chunkChars: 7 } }]);
    const deltas: string[] = [];
    const result = await generateObject({ model: client(), messages: MESSAGES, schema: IntentSchema, name: 'intent', onText: (d) => deltas.push(d) });
    expect(result.value).toEqual(GOOD_INTENT);
    expect(deltas.join('')).toBe(JSON.stringify(GOOD_INTENT));
  });

  it('speaks each structured-output dialect', async () => {
    server.setScript([{ kind: 'json', value: GOOD_INTENT }, { kind: 'json', value: GOOD_INTENT }, { kind: 'json', value: GOOD_INTENT }]);
    for (const structuredOutput of ['json_object_schema', 'ollama_format', 'prompt'] as const) {
      await generateObject({ model: client({ structuredOutput }), messages: MESSAGES, schema: IntentSchema, name: 'intent' });
    }
    const [jsonObject, ollama, prompt] = chatBodies();
    expect(jsonObject?.['response_format']).toMatchObject({ type: 'json_object', schema: { type: 'object' } });
    expect(ollama?.['format']).toMatchObject({ type: 'object', required: ['action', 'group', 'workload', 'methods'] });
    expect(ollama).not.toHaveProperty('response_format');
    expect(prompt).not.toHaveProperty('response_format');
    const system = (prompt?.['messages'] as { role: string; content: string }[])[0];
    expect(system?.role).toBe('system');
    expect(system?.content).toMatch(/^Extract the access intent\.\n\nAnswer with one JSON value "intent"/);
    expect(system?.content).toContain('"required":["action","group","workload","methods"]');
  });

  it('falls back to the schema in the prompt when the server rejects response_format, and keeps using it', async () => {
    server.setScript([
      { kind: 'http-error', status: 400, message: "unsupported field 'response_format'", match: (request) => request.response_format != null },
      { kind: 'json', value: GOOD_INTENT, match: (request) => request.response_format == null },
      { kind: 'json', value: GOOD_INTENT, match: (request) => request.response_format == null },
    ]);
    const model = client();
    expect((await generateObject({ model, messages: MESSAGES, schema: IntentSchema, name: 'intent' })).value).toEqual(GOOD_INTENT);
    expect(model.structuredOutput).toBe('prompt');
    expect((await generateObject({ model, messages: MESSAGES, schema: IntentSchema, name: 'intent' })).value).toEqual(GOOD_INTENT);
    expect(model.stats).toEqual({ requests: 3, retries: 0, fallbacks: 1 });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
