// Integration test of the scripted model server over real HTTP (fetch): every step kind, streaming
// reassembly, request validation and recording, script exhaustion, and the standalone peer
// (`npm run peer -- model`, GIC_MODEL_SCRIPT). Needs no external component.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScriptedModelServer, type ScriptedModelServer } from './scripted-model-server.js';
import { ECHO_MODEL, startModelServer } from './start-model-server.js';

const MODEL = 'qwen3-test';
const repoRoot = resolve(import.meta.dirname, '../../..');

interface SseRead {
  /** `data:` payloads in order (including `[DONE]`). */
  readonly events: string[];
  /** Milliseconds since the request started at which each event arrived. */
  readonly arrivals: number[];
  /** The error that ended reading early, if any. */
  readonly error: unknown;
}

async function readSse(response: Response, startedAt: number): Promise<SseRead> {
  const events: string[] = [];
  const arrivals: number[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        for (const line of block.split('\n')) {
          if (line.startsWith('data: ')) {
            events.push(line.slice('data: '.length));
            arrivals.push(performance.now() - startedAt);
          }
        }
      }
    }
  } catch (error) {
    return { events, arrivals, error };
  }
  return { events, arrivals, error: undefined };
}

/** JSON chunks of a stream (everything but `[DONE]`). */
interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}
const jsonChunks = (events: readonly string[]): Chunk[] => events.filter((event) => event !== '[DONE]').map((event) => JSON.parse(event) as Chunk);

interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/** Reassembles streamed tool-call deltas by index, as an OpenAI client does. */
function reassembleToolCalls(chunks: readonly Chunk[]): { id: string; name: string; arguments: string }[] {
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const chunk of chunks) {
    for (const delta of (chunk.choices[0]?.delta['tool_calls'] as ToolCallDelta[] | undefined) ?? []) {
      const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      if (delta.id !== undefined) call.id = delta.id;
      if (delta.function?.name !== undefined) call.name += delta.function.name;
      if (delta.function?.arguments !== undefined) call.arguments += delta.function.arguments;
    }
  }
  return calls;
}

const user = (content: string) => ({ role: 'user', content });

describe('scripted model server', () => {
  let server: ScriptedModelServer;

  const chat = (body: Record<string, unknown>, init: RequestInit = {}): Promise<Response> =>
    fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
      body: JSON.stringify({ model: MODEL, messages: [user('hello')], ...body }),
      ...init,
    });

  beforeAll(async () => {
    server = await createScriptedModelServer({ models: [MODEL, 'other-model'] });
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });

  describe('GET /v1/models', () => {
    it('lists the served models as an OpenAI list', async () => {
      const response = await fetch(`${server.baseUrl}/models`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { object: string; data: { id: string; object: string }[] };
      expect(body.object).toBe('list');
      expect(body.data.map((model) => model.id)).toEqual([MODEL, 'other-model']);
      expect(body.data.every((model) => model.object === 'model')).toBe(true);
    });

    it('returns one model by id and 404 for an unknown one', async () => {
      const known = await fetch(`${server.baseUrl}/models/${MODEL}`);
      expect(((await known.json()) as { id: string }).id).toBe(MODEL);
      const unknown = await fetch(`${server.baseUrl}/models/nope`);
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { param: string } }).error.param).toBe('model');
    });
  });

  describe('non-streaming answers', () => {
    it('answers a text step with a chat.completion', async () => {
      server.setScript([{ kind: 'text', text: 'The policy allows GET from ns-a.' }]);
      const response = await chat({});
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = (await response.json()) as {
        object: string;
        model: string;
        choices: { message: { role: string; content: string; tool_calls?: unknown }; finish_reason: string }[];
        usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      };
      expect(body.object).toBe('chat.completion');
      expect(body.model).toBe(MODEL);
      expect(body.choices).toHaveLength(1);
      expect(body.choices[0]?.message).toEqual({ role: 'assistant', content: 'The policy allows GET from ns-a.' });
      expect(body.choices[0]?.finish_reason).toBe('stop');
      expect(body.usage.completion_tokens).toBeGreaterThan(0);
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    });

    it('uses scripted finish reason, usage and reasoning content', async () => {
      server.setScript([
        { kind: 'text', text: 'cut off', finishReason: 'length', usage: { prompt_tokens: 7, completion_tokens: 3 }, reasoningContent: 'thinking' },
      ]);
      const body = (await (await chat({})).json()) as {
        choices: { message: { content: string; reasoning_content: string }; finish_reason: string }[];
        usage: unknown;
      };
      expect(body.choices[0]?.finish_reason).toBe('length');
      expect(body.choices[0]?.message.reasoning_content).toBe('thinking');
      expect(body.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    });

    it('serialises a json step as the content of a json_schema request', async () => {
      const value = { decision: 'deny', reasons: ['no principal matches'], confidence: 0.5 };
      server.setScript([{ kind: 'json', value }]);
      const response = await chat({
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'verdict', strict: true, schema: { type: 'object', properties: { decision: { type: 'string' } } } },
        },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      expect(JSON.parse(body.choices[0]!.message.content)).toEqual(value);
    });

    it('accepts json_object mode and rejects a json_schema without a name', async () => {
      server.setScript([{ kind: 'json', value: { ok: true } }]);
      const ok = await chat({ response_format: { type: 'json_object' } });
      expect(ok.status).toBe(200);
      const bad = await chat({ response_format: { type: 'json_schema', json_schema: { schema: {} } } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('response_format.json_schema.name');
      expect(server.remainingSteps()).toBe(0);
    });

    it('sends raw content verbatim, malformed JSON included', async () => {
      const content = 'Sure! Here is the policy: {"apiVersion": "security.istio.io/v1", "kind": "Authoriz';
      server.setScript([{ kind: 'raw-content', content }]);
      const body = (await (await chat({ response_format: { type: 'json_object' } })).json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0]?.message.content).toBe(content);
      expect(() => JSON.parse(body.choices[0]!.message.content)).toThrow(SyntaxError);
    });

    it('answers tool calls with ids, serialised or verbatim arguments and finish_reason tool_calls', async () => {
      server.setScript([
        {
          kind: 'tool-calls',
          calls: [
            { name: 'list_policies', arguments: { namespace: 'shop' } },
            { id: 'call_custom', name: 'explain', arguments: '{"broken": ' },
          ],
        },
      ]);
      const tools = ['list_policies', 'explain'].map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } }));
      const response = await chat({ tools, tool_choice: 'auto' });
      const body = (await response.json()) as {
        choices: { message: { content: unknown; tool_calls: { id: string; type: string; function: { name: string; arguments: string } }[] }; finish_reason: string }[];
      };
      const choice = body.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toEqual([
        { id: 'call_1', type: 'function', function: { name: 'list_policies', arguments: '{"namespace":"shop"}' } },
        { id: 'call_custom', type: 'function', function: { name: 'explain', arguments: '{"broken": ' } },
      ]);
    });

    it('rejects tool_choice without tools and a named tool_choice that is not in tools', async () => {
      server.setScript([{ kind: 'text', text: 'unused' }]);
      const withoutTools = await chat({ tool_choice: 'required' });
      expect(withoutTools.status).toBe(400);
      const tools = [{ type: 'function', function: { name: 'a' } }];
      const unknownTool = await chat({ tools, tool_choice: { type: 'function', function: { name: 'b' } } });
      expect(unknownTool.status).toBe(400);
      expect(((await unknownTool.json()) as { error: { message: string } }).error.message).toContain("Tool 'b'");
      expect(server.remainingSteps()).toBe(1);
    });

    it('accepts a tool result that answers an earlier tool call and rejects an orphan one', async () => {
      server.setScript([{ kind: 'text', text: 'done' }]);
      const assistant = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } }] };
      const orphan = await chat({ messages: [user('x'), { role: 'tool', tool_call_id: 'c9', content: '[]' }] });
      expect(orphan.status).toBe(400);
      const answered = await chat({ messages: [user('x'), assistant, { role: 'tool', tool_call_id: 'c1', content: '[]' }] });
      expect(answered.status).toBe(200);
    });
  });

  describe('streaming answers', () => {
    it('streams role, content pieces, a finish chunk and [DONE] that reassemble to the text', async () => {
      const text = 'Allowed: GET /api from ns-a (policy allow-get). ✅ Done.';
      server.setScript([{ kind: 'text', text, stream: { chunkChars: 5 } }]);
      const started = performance.now();
      const response = await chat({ stream: true });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const { events, error } = await readSse(response, started);
      expect(error).toBeUndefined();
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = jsonChunks(events);
      expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0]!.id)).toBe(true);
      expect(chunks[0]?.choices[0]?.delta['role']).toBe('assistant');
      const pieces = chunks.map((chunk) => chunk.choices[0]?.delta['content']).filter((piece): piece is string => typeof piece === 'string' && piece !== '');
      expect(pieces.join('')).toBe(text);
      expect(pieces).toHaveLength(Math.ceil(Array.from(text).length / 5));
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
      expect(chunks.slice(0, -1).every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);
      expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    });

    it('streams tool-call deltas that reassemble to the scripted calls', async () => {
      const firstArgs = { namespace: 'shop', includeDenied: true, labels: { app: 'cart' } };
      server.setScript([
        {
          kind: 'tool-calls',
          content: 'Let me look.',
          calls: [
            { name: 'list_policies', arguments: firstArgs },
            { id: 'call_b', name: 'who_can_reach', arguments: '{"to":"cart"}' },
          ],
          stream: { chunkChars: 4 },
        },
      ]);
      const response = await chat({ stream: true, tools: [{ type: 'function', function: { name: 'list_policies' } }] });
      const { events } = await readSse(response, performance.now());
      const chunks = jsonChunks(events);
      const calls = reassembleToolCalls(chunks);
      expect(calls.map(({ id, name }) => ({ id, name }))).toEqual([
        { id: 'call_1', name: 'list_policies' },
        { id: 'call_b', name: 'who_can_reach' },
      ]);
      expect(JSON.parse(calls[0]!.arguments)).toEqual(firstArgs);
      expect(calls[1]?.arguments).toBe('{"to":"cart"}');
      const argumentFragments = chunks.filter((chunk) => (chunk.choices[0]?.delta['tool_calls'] as ToolCallDelta[] | undefined)?.[0]?.function?.arguments);
      expect(argumentFragments.length).toBeGreaterThan(2);
      const content = chunks.map((chunk) => chunk.choices[0]?.delta['content'] ?? '').join('');
      expect(content).toBe('Let me look.');
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
      expect(events.at(-1)).toBe('[DONE]');
    });

    it('adds a usage chunk with empty choices when stream_options.include_usage is set', async () => {
      server.setScript([{ kind: 'text', text: 'counted', usage: { prompt_tokens: 11 } }]);
      const { events } = await readSse(await chat({ stream: true, stream_options: { include_usage: true } }), performance.now());
      const chunks = jsonChunks(events);
      const last = chunks.at(-1)!;
      expect(last.choices).toEqual([]);
      expect(last.usage?.prompt_tokens).toBe(11);
      expect(last.usage?.total_tokens).toBe(11 + last.usage!.completion_tokens);
      expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
      expect(events.at(-1)).toBe('[DONE]');
    });

    it('streams slowly when chunkDelayMs is set', async () => {
      server.setScript([{ kind: 'text', text: 'abcdefgh', stream: { chunkChars: 2, chunkDelayMs: 60 } }]);
      const started = performance.now();
      const { events, arrivals } = await readSse(await chat({ stream: true }), started);
      // role + 4 pieces + finish + [DONE] = 7 events, each preceded by a 60 ms pause.
      expect(events).toHaveLength(7);
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(6 * 60 * 0.8);
    });
  });

  describe('concurrency', () => {
    it('counts chat completions in flight and their peak until reset', async () => {
      server.setScript([1, 2, 3].map((n) => ({ kind: 'text' as const, text: `answer ${n}`, delayMs: 1_000 })));
      expect(server.concurrency()).toEqual({ current: 0, max: 0 });
      const answers = Promise.all([chat({}), chat({}), chat({})].map(async (pending) => (await pending).json()));
      const until = async (condition: () => boolean): Promise<void> => {
        for (const deadline = performance.now() + 10_000; !condition(); await new Promise((resolve) => setTimeout(resolve, 10))) {
          if (performance.now() > deadline) throw new Error(`still ${JSON.stringify(server.concurrency())}`);
        }
      };
      await until(() => server.concurrency().current === 3);
      expect(server.concurrency()).toEqual({ current: 3, max: 3 });
      await answers;
      await until(() => server.concurrency().current === 0);
      expect(server.concurrency()).toEqual({ current: 0, max: 3 });
      server.reset();
      expect(server.concurrency()).toEqual({ current: 0, max: 0 });
    });
  });

  describe('failures', () => {
    it('answers 500 and 429 with Retry-After as scripted', async () => {
      server.setScript([
        { kind: 'http-error', status: 500, message: 'CUDA out of memory' },
        { kind: 'http-error', status: 429, retryAfter: 3 },
        { kind: 'http-error', status: 503, retryAfter: 1, body: '<html>upstream unavailable</html>', headers: { 'content-type': 'text/html' } },
        { kind: 'http-error', status: 401, body: { error: 'Unauthorized' } },
      ]);
      const first = await chat({});
      expect(first.status).toBe(500);
      expect(await first.json()).toEqual({ error: { message: 'CUDA out of memory', type: 'InternalServerError', param: null, code: 500 } });
      const second = await chat({ stream: true });
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('3');
      expect(((await second.json()) as { error: { type: string } }).error.type).toBe('RateLimitError');
      const third = await chat({});
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBe('1');
      expect(third.headers.get('content-type')).toBe('text/html');
      expect(await third.text()).toBe('<html>upstream unavailable</html>');
      const fourth = await chat({});
      expect(fourth.status).toBe(401);
      expect(await fourth.json()).toEqual({ error: 'Unauthorized' });
    });

    it('delays past a client AbortSignal timeout, then keeps serving', async () => {
      server.setScript([
        { kind: 'text', text: 'too late', delayMs: 5_000 },
        { kind: 'text', text: 'on time' },
      ]);
      const started = performance.now();
      await expect(chat({}, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(performance.now() - started).toBeLessThan(2_000);
      const next = (await (await chat({})).json()) as { choices: { message: { content: string } }[] };
      expect(next.choices[0]?.message.content).toBe('on time');
    });

    it('closes a stream mid-way: the client gets the first chunks, then an error, and no [DONE]', async () => {
      server.setScript([{ kind: 'text', text: 'a long answer that never finishes', stream: { chunkChars: 4, stopAfterChunks: 3 } }]);
      const { events, error } = await readSse(await chat({ stream: true }), performance.now());
      expect(error).toBeInstanceOf(Error);
      expect(events).toHaveLength(3);
      expect(jsonChunks(events).map((chunk) => chunk.choices[0]?.delta['content'])).toEqual(['', 'a lo', 'ng a']);
    });

    it('resets a stream mid-way with a TCP RST', async () => {
      server.setScript([{ kind: 'text', text: 'a long answer that never finishes', stream: { chunkChars: 4, stopAfterChunks: 2, stopWith: 'reset' } }]);
      const { events, error } = await readSse(await chat({ stream: true }), performance.now());
      expect(error).toBeInstanceOf(Error);
      expect(events).not.toContain('[DONE]');
    });

    it('ends a stream cleanly without finish chunk or [DONE]', async () => {
      server.setScript([{ kind: 'text', text: 'abcdefgh', stream: { chunkChars: 2, stopAfterChunks: 2, stopWith: 'end' } }]);
      const { events, error } = await readSse(await chat({ stream: true }), performance.now());
      expect(error).toBeUndefined();
      expect(events).toHaveLength(2);
      expect(jsonChunks(events).every((chunk) => chunk.choices[0]?.finish_reason === null)).toBe(true);
    });

    it('sends an error event then [DONE] as vLLM does when generation fails mid-stream', async () => {
      server.setScript([{ kind: 'text', text: 'abcdefgh', stream: { chunkChars: 2, stopAfterChunks: 2, stopWith: 'error-event' } }]);
      const { events, error } = await readSse(await chat({ stream: true }), performance.now());
      expect(error).toBeUndefined();
      expect(events).toHaveLength(4);
      expect(JSON.parse(events[2]!)).toMatchObject({ error: { code: 500 } });
      expect(events[3]).toBe('[DONE]');
    });

    it('drops the connection without an answer for a disconnect step', async () => {
      server.setScript([{ kind: 'disconnect' }, { kind: 'disconnect', how: 'close' }]);
      await expect(chat({})).rejects.toThrow(TypeError);
      await expect(chat({})).rejects.toThrow(TypeError);
      expect(server.remainingSteps()).toBe(0);
    });

    it('refuses a stream-cutting step for a non-streaming request with a 500 naming the step', async () => {
      server.setScript([{ kind: 'text', text: 'x', label: 'cut', stream: { stopAfterChunks: 1 } }]);
      const response = await chat({});
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('"cut"');
    });
  });

  describe('request validation', () => {
    const post = (body: string, contentType = 'application/json'): Promise<Response> =>
      fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const errorOf = async (response: Response): Promise<{ message: string; type: string; param: string | null; code: number }> =>
      ((await response.json()) as { error: { message: string; type: string; param: string | null; code: number } }).error;

    it('answers 400 with an OpenAI-style error to malformed or incomplete bodies, without using the script', async () => {
      server.setScript([{ kind: 'text', text: 'never sent' }]);
      const malformed = await post('{"model": "qwen3-test", "messages": [');
      expect(malformed.status).toBe(400);
      const malformedError = await errorOf(malformed);
      expect(malformedError.type).toBe('BadRequestError');
      expect(malformedError.code).toBe(400);
      expect(malformedError.message).toContain('Malformed JSON');

      expect((await post('')).status).toBe(400);
      const missing = await post(JSON.stringify({ model: MODEL }));
      expect(missing.status).toBe(400);
      expect((await errorOf(missing)).param).toBe('messages');
      expect((await post(JSON.stringify({ model: MODEL, messages: [] }))).status).toBe(400);
      const badRole = await post(JSON.stringify({ model: MODEL, messages: [{ role: 'wizard', content: 'x' }] }));
      expect((await errorOf(badRole)).param).toBe('messages.0.role');
      expect((await post(JSON.stringify({ messages: [user('x')] }))).status).toBe(400);
      expect((await post(JSON.stringify({ model: MODEL, messages: [user('x')] }), 'text/plain')).status).toBe(400);
      const streamOptions = await post(JSON.stringify({ model: MODEL, messages: [user('x')], stream_options: { include_usage: true } }));
      expect((await errorOf(streamOptions)).param).toBe('stream_options');
      expect(server.remainingSteps()).toBe(1);
    });

    it('answers 404 NotFoundError for a model it does not serve (as vLLM does)', async () => {
      const response = await post(JSON.stringify({ model: 'gpt-5', messages: [user('x')] }));
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toEqual({ message: 'The model `gpt-5` does not exist.', type: 'NotFoundError', param: 'model', code: 404 });
    });

    it('answers 404 to unknown paths and 405 to wrong methods', async () => {
      expect((await fetch(`${server.baseUrl}/completions`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${server.baseUrl}/chat/completions`)).status).toBe(405);
    });
  });

  describe('recording and script control', () => {
    it('records method, path, headers and parsed body of every request, with the step that answered', async () => {
      server.setScript([{ kind: 'text', text: 'one' }, { kind: 'text', text: 'two' }]);
      await fetch(`${server.baseUrl}/models`);
      await chat({ temperature: 0 }, { headers: { 'content-type': 'application/json', authorization: 'Bearer k1', 'x-gic-request': 'r-1' } });
      await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
      await chat({ messages: [user('second')] });
      const recorded = server.requests();
      expect(recorded.map((request) => `${request.method} ${request.path}`)).toEqual([
        'GET /v1/models',
        'POST /v1/chat/completions',
        'POST /v1/chat/completions',
        'POST /v1/chat/completions',
      ]);
      expect(recorded[1]?.headers['authorization']).toBe('Bearer k1');
      expect(recorded[1]?.headers['x-gic-request']).toBe('r-1');
      expect(recorded[1]?.body).toEqual({ model: MODEL, messages: [user('hello')], temperature: 0 });
      expect(recorded[1]?.stepIndex).toBe(0);
      expect(recorded[2]?.rawBody).toBe('{oops');
      expect(recorded[2]?.body).toBeUndefined();
      expect(recorded[2]?.stepIndex).toBeUndefined();
      expect(recorded[3]?.stepIndex).toBe(1);
    });

    it('fails loudly with 500 "script exhausted" when no step is left', async () => {
      server.setScript([{ kind: 'text', text: 'only one' }]);
      expect((await chat({})).status).toBe(200);
      const response = await chat({});
      expect(response.status).toBe(500);
      const error = ((await response.json()) as { error: { message: string; type: string } }).error;
      expect(error.type).toBe('ScriptExhausted');
      expect(error.message).toContain('script exhausted');
    });

    it('answers with the first pending step whose predicate accepts the request', async () => {
      const lastUser = (content: string) => (request: { messages: readonly { role: string; content?: unknown }[] }) =>
        request.messages.at(-1)?.content === content;
      server.setScript([
        { kind: 'text', text: 'answer to B', match: lastUser('B') },
        { kind: 'text', text: 'answer to A', match: lastUser('A') },
      ]);
      const contentOf = async (response: Response) =>
        ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content;
      expect(await contentOf(await chat({ messages: [user('A')] }))).toBe('answer to A');
      const mismatch = await chat({ messages: [user('C')] });
      expect(mismatch.status).toBe(500);
      expect(((await mismatch.json()) as { error: { message: string } }).error.message).toContain('script mismatch');
      expect(await contentOf(await chat({ messages: [user('B')] }))).toBe('answer to B');
      expect(server.remainingSteps()).toBe(0);
    });

    it('checks the bearer key when configured (vLLM --api-key)', async () => {
      const guarded = await createScriptedModelServer({ apiKey: 'sekret', script: [{ kind: 'text', text: 'hi' }] });
      try {
        const body = JSON.stringify({ model: 'scripted-model', messages: [user('x')] });
        const denied = await fetch(`${guarded.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(denied.status).toBe(401);
        expect(await denied.json()).toEqual({ error: 'Unauthorized' });
        const allowed = await fetch(`${guarded.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sekret' },
          body,
        });
        expect(allowed.status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });
});

describe('standalone model peer', () => {
  const echoRequest = (baseUrl: string, model: string, text: string) =>
    fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'system', content: 'be brief' }, user(text)] }),
    });

  it('plays the script file named by GIC_MODEL_SCRIPT, then reports exhaustion', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gic-model-script-'));
    const saved = process.env['GIC_MODEL_SCRIPT'];
    try {
      const file = join(dir, 'script.json');
      await writeFile(file, JSON.stringify({ models: ['from-file'], steps: [{ kind: 'json', value: { verdict: 'allow' } }] }));
      process.env['GIC_MODEL_SCRIPT'] = file;
      const peer = await startModelServer();
      try {
        const models = (await (await fetch(`${peer.info.baseUrl}/models`)).json()) as { data: { id: string }[] };
        expect(models.data.map((model) => model.id)).toEqual(['from-file']);
        const first = (await (await echoRequest(peer.info.baseUrl, 'from-file', 'x')).json()) as { choices: { message: { content: string } }[] };
        expect(JSON.parse(first.choices[0]!.message.content)).toEqual({ verdict: 'allow' });
        expect((await echoRequest(peer.info.baseUrl, 'from-file', 'x')).status).toBe(500);
      } finally {
        await peer.stop();
      }
      await writeFile(file, JSON.stringify([{ kind: 'txt', text: 'typo' }]));
      await expect(startModelServer()).rejects.toThrow(/invalid model script/);
    } finally {
      if (saved === undefined) delete process.env['GIC_MODEL_SCRIPT'];
      else process.env['GIC_MODEL_SCRIPT'] = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('npm run peer -- model', () => {
    let child: ChildProcess | undefined;

    afterAll(() => {
      // Safety net: never leave the spawned process group behind if an assertion failed midway.
      if (child?.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    });

    it('prints its baseUrl as one JSON line, echoes the last user message, and stops on SIGTERM', async () => {
      const env = { ...process.env };
      delete env['GIC_MODEL_SCRIPT'];
      const spawned = spawn('npm', ['run', 'peer', '--', 'model'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child = spawned;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
        spawned.once('exit', (code, signal) => resolveExit({ code, signal })),
      );
      let stderr = '';
      spawned.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
      const info = await new Promise<{ baseUrl: string }>((resolveInfo, reject) => {
        let stdout = '';
        const timer = setTimeout(() => reject(new Error(`no JSON line within 60 s; stdout: ${stdout}; stderr: ${stderr}`)), 60_000);
        spawned.stdout!.on('data', (data: Buffer) => {
          stdout += data.toString();
          const line = stdout.split('\n').find((candidate) => candidate.startsWith('{') && candidate.endsWith('}'));
          if (line !== undefined) {
            clearTimeout(timer);
            resolveInfo(JSON.parse(line) as { baseUrl: string });
          }
        });
        void exited.then(({ code, signal }) => reject(new Error(`peer exited early (${code ?? signal}); stderr: ${stderr}`)));
      });
      expect(Object.keys(info)).toEqual(['baseUrl']);
      expect(info.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

      const models = (await (await fetch(`${info.baseUrl}/models`)).json()) as { data: { id: string; description: string }[] };
      expect(models.data[0]?.id).toBe(ECHO_MODEL);
      expect(models.data[0]?.description).toMatch(/echo of the last user message/);
      const reply = (await (await echoRequest(info.baseUrl, ECHO_MODEL, 'is ns-a allowed?')).json()) as { choices: { message: { content: string } }[] };
      expect(reply.choices[0]?.message.content).toBe('You said: is ns-a allowed?');

      // SIGTERM goes to the process group, as a terminal, CI runner or service manager delivers it: sent to
      // npm's pid alone it does not reach the peer, because npm's /bin/sh (dash) does not forward it.
      process.kill(-spawned.pid!, 'SIGTERM');
      const exit = await exited;
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      await expect
        .poll(
          () => {
            try {
              process.kill(-spawned.pid!, 0);
              return 'group alive';
            } catch {
              return 'group gone';
            }
          },
          { timeout: 10_000 },
        )
        .toBe('group gone');
      await expect(fetch(`${info.baseUrl}/models`)).rejects.toThrow(TypeError);
    });
  });
});
