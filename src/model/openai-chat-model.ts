// The ChatModel for every OpenAI-compatible server a cluster runs (vLLM, Ollama, llama.cpp's llama-server,
// LocalAI), on the `openai` package. Every connection goes through the egress guard's dispatcher
// (guarded-dispatcher.ts): there is no unguarded way to reach the endpoint. Per call: a concurrency slot,
// a timeout per attempt combined with the caller's AbortSignal, retries with backoff on 429/5xx/dropped
// connections (Retry-After honoured; the openai package's own retries are off so each is counted here),
// streaming with `onText` (reasoning held back), structured output in the configured dialect with a
// fallback to the schema in the prompt when the server rejects it, and tool calls from `tool_calls` or,
// for small models, from the text. It never sends `tool_choice` or `parallel_tool_calls`.
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { fetch as undiciFetch, type Dispatcher } from 'undici';

import { silentLogger, type Logger } from '../log.js';
import { SpanKind, traceHeaders, withSpan } from '../tracing.js';
import { CompletionAccumulator } from './accumulate-completion.js';
import type { ChatModel, ChatRequest, ChatResponse } from './chat-model.js';
import { classifyModelFailure, type AttemptFailure } from './classify-model-failure.js';
import { ConcurrencyGate } from './concurrency-gate.js';
import type { EgressGuard } from './egress-guard.js';
import { createGuardedDispatcher, type DialEvent } from './guarded-dispatcher.js';
import { ModelError } from './model-error.js';
import { DEFAULT_MODEL_RETRY, modelRetryDelay, type ModelRetryOptions } from './model-retry-policy.js';
import { parseTextToolCalls } from './parse-text-tool-calls.js';
import { applyDialect, type StructuredOutputDialect } from './structured-output-dialect.js';
import { defaultSchemaText } from './structured-output-text.js';
import { toOpenAiMessages, toOpenAiTools } from './to-openai-messages.js';

/** Sent when no API key is configured: the openai package needs one; servers without auth ignore it. */
export const PLACEHOLDER_API_KEY = 'gic-no-api-key';

export interface OpenAiChatModelOptions {
  /** The `/v1` base URL, e.g. `http://vllm.models.svc:8000/v1`. */
  readonly baseUrl: string;
  /** The model id as the server serves it (`/v1/models`). */
  readonly model: string;
  readonly apiKey?: string;
  /** Every connection is checked by this guard. */
  readonly guard: EgressGuard;
  /** Per attempt, from sending to the last byte of the answer; default 120 s. */
  readonly timeoutMs?: number;
  /** TCP/TLS connect timeout per address; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Longest silence inside a streamed answer; default the attempt timeout. */
  readonly idleTimeoutMs?: number;
  readonly retry?: Partial<ModelRetryOptions>;
  /** Calls in flight at most; default 2. */
  readonly concurrency?: number;
  /** How to ask for schema-constrained JSON; default `json_schema`. */
  readonly structuredOutput?: StructuredOutputDialect;
  /** Parse tool calls written as text when the server returns no `tool_calls`; default true. */
  readonly textToolCalls?: boolean;
  /** The schema instruction of the `prompt` dialect (default structured-output-text.ts). */
  readonly schemaText?: (name: string, schemaJson: string) => string;
  readonly logger?: Logger;
  /** Called before each approved dial (logs, tests). */
  readonly onDial?: (event: DialEvent) => void;
  /** Injected for tests. */
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ModelCallStats {
  /** HTTP attempts sent (retries and fallbacks included). */
  requests: number;
  retries: number;
  /** Calls answered through the prompt dialect after the server rejected the configured one. */
  fallbacks: number;
}

type Body = Omit<ChatCompletionCreateParamsNonStreaming, 'stream'> & Record<string, unknown>;

export class OpenAiChatModel implements ChatModel {
  readonly model: string;
  readonly endpoint: string;
  readonly stats: ModelCallStats = { requests: 0, retries: 0, fallbacks: 0 };
  private dialect: StructuredOutputDialect;
  private readonly errorBodies = new WeakMap<Headers, string>();
  private readonly client: OpenAI;
  private readonly dispatcher: Dispatcher;
  private readonly gate: ConcurrencyGate;
  private readonly timeoutMs: number;
  private readonly retry: ModelRetryOptions;
  private readonly textToolCalls: boolean;
  private readonly schemaText: (name: string, schemaJson: string) => string;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: OpenAiChatModelOptions) {
    const url = parseBaseUrl(options.baseUrl);
    if (options.model.trim() === '') throw new ModelError('model-not-configured', 'no model name configured (--model, GIC_MODEL)');
    this.model = options.model;
    this.endpoint = endpointText(url);
    this.dialect = options.structuredOutput ?? 'json_schema';
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.retry = { ...DEFAULT_MODEL_RETRY, ...options.retry };
    this.textToolCalls = options.textToolCalls ?? true;
    this.schemaText = options.schemaText ?? defaultSchemaText;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.gate = new ConcurrencyGate(options.concurrency ?? 2);
    this.dispatcher = createGuardedDispatcher({
      guard: options.guard,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      headersTimeoutMs: this.timeoutMs,
      bodyTimeoutMs: options.idleTimeoutMs ?? this.timeoutMs,
      connections: options.concurrency ?? 2,
      ...(options.onDial === undefined ? {} : { onDial: options.onDial }),
    });
    const dispatcher = this.dispatcher;
    const errorBodies = this.errorBodies;
    const guardedFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      // The trace context goes along, so the model server's spans (and the mesh's) join the trace.
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(traceHeaders<Record<string, string>>({}))) headers.set(name, value);
      const response = await undiciFetch(input as string, { ...(init as object), headers, dispatcher, redirect: 'error' } as Parameters<typeof undiciFetch>[1]);
      // openai keeps only the `error` field of an error body: keep the text for messages (vLLM `message`, FastAPI `detail`).
      if (!response.ok) errorBodies.set(response.headers as unknown as Headers, (await response.clone().text()).slice(0, 4_000));
      return response;
    }) as unknown as typeof fetch;
    this.client = new OpenAI({
      baseURL: url.href.replace(/\/+$/, ''),
      apiKey: options.apiKey ?? PLACEHOLDER_API_KEY,
      organization: null,
      project: null,
      maxRetries: 0,
      // Our own per-attempt timer fires first; this only backs it up.
      timeout: this.timeoutMs * 2,
      fetch: guardedFetch,
      logLevel: 'off',
    });
  }

  /** The structured-output dialect in use (it becomes `prompt` after the server rejected the configured one). */
  get structuredOutput(): StructuredOutputDialect {
    return this.dialect;
  }

  async generate(request: ChatRequest): Promise<ChatResponse> {
    const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': this.model, 'server.address': this.endpoint };
    return withSpan(
      `model chat ${this.model}`,
      attributes,
      async (span) => {
        const response = await this.gate.run(() => this.generateWithRetries(request), request.signal);
        span.setAttributes({ 'gen_ai.response.model': response.model, 'gen_ai.usage.input_tokens': response.usage.promptTokens, 'gen_ai.usage.output_tokens': response.usage.completionTokens });
        return response;
      },
      SpanKind.CLIENT,
    );
  }

  /** The model ids the server serves (GET /models): a cheap probe for `gic doctor`. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const timer = AbortSignal.timeout(this.timeoutMs);
    const combined = signal === undefined ? timer : AbortSignal.any([signal, timer]);
    this.stats.requests++;
    try {
      const page = await this.client.models.list({ signal: combined, maxRetries: 0 });
      return page.data.map((entry) => entry.id);
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      throw classifyModelFailure(error, { endpoint: this.endpoint, model: this.model, timeoutMs: this.timeoutMs, timedOut: timer.aborted, now: this.now(), bodyOf: this.bodyOf }).error;
    }
  }

  private readonly bodyOf = (headers: Headers | undefined): string | undefined => (headers === undefined ? undefined : this.errorBodies.get(headers));

  /** Closes the keep-alive connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async generateWithRetries(request: ChatRequest): Promise<ChatResponse> {
    let dialect = this.dialect;
    let fellBack = false;
    for (let retries = 0; ; ) {
      const shown = { text: false };
      try {
        const response = await this.attempt(request, dialect, shown);
        if (fellBack) {
          this.logger.warn('the model server rejected schema-constrained output; using the schema in the prompt from now on', { endpoint: this.endpoint, rejected: this.dialect });
          this.dialect = 'prompt';
        }
        return response;
      } catch (thrown) {
        if (request.signal?.aborted === true) throw request.signal.reason;
        if (!(thrown instanceof AttemptError)) throw thrown;
        const failure = thrown.failure;
        const error = failure.error;
        const rejectedRequest = failure.status === 400 || failure.status === 422;
        if (request.responseSchema !== undefined && dialect !== 'prompt' && !fellBack && rejectedRequest) {
          this.logger.debug('structured output rejected; retrying with the schema in the prompt', { endpoint: this.endpoint, dialect, status: failure.status });
          dialect = 'prompt';
          fellBack = true;
          this.stats.fallbacks++;
          continue;
        }
        if (shown.text && error.retryable) {
          throw new ModelError('model-stream-cut', `the answer stopped part-way after text was shown: ${error.message}`, { details: error.details, cause: error });
        }
        if (!error.retryable || retries >= this.retry.maxRetries) throw error;
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > this.retry.maxRetryAfterMs) {
          throw new ModelError(error.code, `${error.message} (it asked to retry after ${Math.ceil(failure.retryAfterMs / 1000)} s, longer than gic waits)`, { details: error.details, cause: error });
        }
        retries++;
        this.stats.retries++;
        const delay = modelRetryDelay(retries, failure.retryAfterMs, this.retry, this.random);
        this.logger.debug('retrying model call', { endpoint: this.endpoint, retry: retries, code: error.code, delayMs: delay });
        await this.sleep(delay, request.signal);
      }
    }
  }

  /** One HTTP exchange; throws an AttemptError. */
  private async attempt(request: ChatRequest, dialect: StructuredOutputDialect, shown: { text: boolean }): Promise<ChatResponse> {
    const timer = AbortSignal.timeout(this.timeoutMs);
    const signal = request.signal === undefined ? timer : AbortSignal.any([request.signal, timer]);
    const accumulator = new CompletionAccumulator(this.model);
    const body = this.body(request, dialect);
    this.stats.requests++;
    try {
      if (request.onText === undefined) {
        const completion: ChatCompletion = await this.client.chat.completions.create(body as ChatCompletionCreateParamsNonStreaming, { signal, maxRetries: 0 });
        if (!Array.isArray(completion?.choices) || completion.choices.length === 0) {
          throw new ModelError('model-bad-response', `model server ${this.endpoint} answered without choices`, { details: { endpoint: this.endpoint } });
        }
        accumulator.takeCompletion(completion);
      } else {
        const onText = request.onText;
        const streamBody = { ...body, stream: true, stream_options: { include_usage: true } } as ChatCompletionCreateParamsStreaming;
        const stream = await this.client.chat.completions.create(streamBody, { signal, maxRetries: 0 });
        const show = (text: string): void => {
          if (text === '') return;
          shown.text = true;
          onText(text);
        };
        for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) show(accumulator.push(chunk));
        if (!accumulator.finished) {
          throw new ModelError('model-stream-cut', `the answer from ${this.endpoint} stopped before its end (no finish reason)`, { retryable: true, details: { endpoint: this.endpoint } });
        }
        show(accumulator.flush());
      }
    } catch (error) {
      const failure = classifyModelFailure(error, { endpoint: this.endpoint, model: this.model, timeoutMs: this.timeoutMs, timedOut: timer.aborted && request.signal?.aborted !== true, now: this.now(), bodyOf: this.bodyOf });
      if (request.onText !== undefined && accumulator.pushedAny && (failure.error.code === 'model-unavailable' || failure.error.code === 'model-bad-response')) {
        // The connection dropped inside the body: the stream was cut.
        throw new AttemptError({
          ...failure,
          error: new ModelError('model-stream-cut', `the answer from ${this.endpoint} stopped part-way: ${failure.error.message}`, { retryable: true, details: failure.error.details, cause: failure.error }),
        });
      }
      throw new AttemptError(failure);
    }
    return this.withTextToolCalls(request, accumulator.response());
  }

  private body(request: ChatRequest, dialect: StructuredOutputDialect): Body {
    let messages = toOpenAiMessages(request.messages);
    let fields: Readonly<Record<string, unknown>> = {};
    if (request.responseSchema !== undefined) {
      const applied = applyDialect(dialect, request.responseSchema, messages, this.schemaText);
      messages = applied.messages;
      fields = applied.fields;
    }
    return {
      model: this.model,
      messages,
      ...(request.tools === undefined || request.tools.length === 0 ? {} : { tools: toOpenAiTools(request.tools) }),
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...fields,
    };
  }

  private withTextToolCalls(request: ChatRequest, response: ChatResponse): ChatResponse {
    if (!this.textToolCalls || response.toolCalls.length > 0 || request.tools === undefined || request.tools.length === 0) return response;
    const parsed = parseTextToolCalls(response.content, new Set(request.tools.map((tool) => tool.name)));
    if (parsed === undefined) return response;
    return { ...response, content: parsed.rest, toolCalls: parsed.toolCalls, finishReason: 'tool_calls' };
  }
}

/** A failed attempt, classified (classify-model-failure.ts), for the retry loop. */
class AttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.error.message, { cause: failure.error });
  }
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ModelError('model-not-configured', `the model URL "${baseUrl}" is not a URL (expected e.g. http://vllm.models.svc:8000/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelError('model-not-configured', `the model URL must be http or https, got ${url.protocol}`);
  return url;
}

/** The base URL without credentials, query or trailing slash: safe for logs, audit and doctor. */
export function endpointText(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.search = '';
  copy.hash = '';
  return copy.href.replace(/\/+$/, '');
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
