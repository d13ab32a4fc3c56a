// The scripted OpenAI-compatible model server: the one test double of the project. A real HTTP server
// (node:http) on a loopback port that speaks the surface vLLM, Ollama and llama.cpp expose (GET /v1/models,
// POST /v1/chat/completions with streaming, tools, response_format), validates requests like they do,
// records every request, and answers chat completions from a per-test script (script-step.ts). It never
// makes up an answer: an exhausted or mismatched script is a loud 500 unless a fallback is configured.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateChatCompletionRequest, type ApiError, type ChatCompletionRequest } from './chat-completion-request.js';
import { completionBody, errorBody, errorTypeFor, resolveAnswer, streamChunks, type CompletionIdentity } from './completion-wire.js';
import type { AnswerStep, HttpErrorStep, RecordedRequest, ScriptStep } from './script-step.js';

export type { RecordedRequest, ScriptStep } from './script-step.js';

export interface ScriptedModelServerOptions {
  /** Served model ids, listed by /v1/models; a chat request naming another model gets 404. Default `['scripted-model']`. */
  readonly models?: readonly string[];
  /** Extra `description` field on every /v1/models entry (e.g. to say how the server answers). */
  readonly modelDescription?: string;
  /** When set, /v1 requests need `Authorization: Bearer <apiKey>` (vLLM `--api-key`), else 401 `{"error":"Unauthorized"}`. */
  readonly apiKey?: string;
  /** Initial script; `setScript` replaces it. */
  readonly script?: readonly ScriptStep[];
  /** Answers requests once the script is exhausted instead of the 500 "script exhausted" (standalone use only). */
  readonly whenExhausted?: (request: ChatCompletionRequest) => ScriptStep;
  /** Loopback port to listen on; default 0 (a free port). */
  readonly port?: number;
}

export interface ScriptedModelServer {
  /** e.g. `http://127.0.0.1:41234/v1`: what an OpenAI client takes as `baseURL`. */
  readonly baseUrl: string;
  /** Replaces the script (pending steps are dropped); recorded requests are kept. */
  setScript(steps: readonly ScriptStep[]): void;
  /** Every request received so far, in arrival order (including rejected ones and /v1/models). */
  requests(): readonly RecordedRequest[];
  /** How many script steps have not answered a request yet. */
  remainingSteps(): number;
  /** Chat-completion requests being answered now, and the most at once since start or reset (a client's concurrency limit). */
  concurrency(): { readonly current: number; readonly max: number };
  /** Forgets the script, the recorded requests, the id counters and the concurrency peak. */
  reset(): void;
  /** Stops listening, drops open connections and cancels pending delays. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_CHUNK_CHARS = 8;
const RESET_SETTLE_MS = 50;

interface ScriptEntry {
  readonly step: ScriptStep;
  used: boolean;
}

type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

class TooLargeError extends Error {}

function describeStep(step: ScriptStep, index: number): string {
  return `#${index} ${step.kind}${step.label === undefined ? '' : ` "${step.label}"`}`;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const buffer = part as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new TooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    parts.push(buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, errorBody(error));
}

function scriptError(message: string, type: string): ApiError {
  return { status: 500, message: `scripted model server: ${message}`, type, param: null };
}

/** FastAPI (vLLM) parses the body as JSON when there is no Content-Type or an application/json (or +json) one. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return true;
  const mediaType = header.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

/** Starts a scripted model server on a free loopback port. */
export async function createScriptedModelServer(options: ScriptedModelServerOptions = {}): Promise<ScriptedModelServer> {
  const models = options.models ?? ['scripted-model'];
  const startedAt = Math.floor(Date.now() / 1000);
  let script: ScriptEntry[] = (options.script ?? []).map((step) => ({ step, used: false }));
  let recorded: MutableRecord[] = [];
  let completionCount = 0;
  let toolCallCount = 0;
  let chatsInFlight = 0;
  let chatsPeak = 0;
  const inFlight = new Set<AbortController>();

  const modelEntry = (id: string): object => ({
    id,
    object: 'model',
    created: startedAt,
    owned_by: 'gic-scripted-model-server',
    ...(options.modelDescription === undefined ? {} : { description: options.modelDescription }),
  });

  function pickStep(request: ChatCompletionRequest, record: MutableRecord): { step: ScriptStep } | { error: ApiError } {
    const pending = script.flatMap((entry, index) => (entry.used ? [] : [{ entry, index }]));
    if (pending.length === 0) {
      if (options.whenExhausted !== undefined) return { step: options.whenExhausted(request) };
      return {
        error: scriptError(
          `script exhausted: request #${recorded.indexOf(record)} (${record.method} ${record.path}) arrived after all ` +
            `${script.length} scripted steps were used`,
          'ScriptExhausted',
        ),
      };
    }
    for (const { entry, index } of pending) {
      let accepts: boolean;
      try {
        accepts = entry.step.match?.(request, { ...record }) ?? true;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { error: scriptError(`the match predicate of step ${describeStep(entry.step, index)} threw: ${reason}`, 'ScriptError') };
      }
      if (accepts) {
        entry.used = true;
        record.stepIndex = index;
        return { step: entry.step };
      }
    }
    return {
      error: scriptError(
        `script mismatch: no pending step accepts request #${recorded.indexOf(record)}; pending: ` +
          pending.map(({ entry, index }) => describeStep(entry.step, index)).join(', '),
        'ScriptMismatch',
      ),
    };
  }

  function sendHttpError(res: ServerResponse, step: HttpErrorStep): void {
    const headers: Record<string, string> = { ...step.headers };
    if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
    if (typeof step.body === 'string') {
      const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
      res.writeHead(step.status, { ...(hasType ? {} : { 'content-type': 'text/plain; charset=utf-8' }), ...headers });
      res.end(step.body);
      return;
    }
    const body =
      step.body ??
      errorBody({ status: step.status, message: step.message ?? `scripted HTTP ${step.status}`, type: errorTypeFor(step.status), param: null });
    sendJson(res, step.status, body, headers);
  }

  async function playAnswer(
    res: ServerResponse,
    step: AnswerStep,
    request: ChatCompletionRequest,
    index: number | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const streaming = request.stream === true;
    const behaviour = step.stream ?? {};
    if (!streaming && behaviour.stopAfterChunks !== undefined) {
      const where = index === undefined ? 'the fallback step' : `step ${describeStep(step, index)}`;
      sendError(res, scriptError(`${where} sets stream.stopAfterChunks but the request did not ask for stream: true`, 'ScriptError'));
      return;
    }
    completionCount += 1;
    const identity: CompletionIdentity = { id: `chatcmpl-scripted-${completionCount}`, created: Math.floor(Date.now() / 1000), model: request.model };
    const answer = resolveAnswer(step, request, () => `call_${(toolCallCount += 1)}`);
    if (!streaming) {
      sendJson(res, 200, completionBody(identity, answer));
      return;
    }
    const includeUsage = request.stream_options?.include_usage === true;
    const events = streamChunks(identity, answer, Math.max(1, behaviour.chunkChars ?? DEFAULT_CHUNK_CHARS), includeUsage).map((chunk) =>
      JSON.stringify(chunk),
    );
    events.push('[DONE]');
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const stopAt = behaviour.stopAfterChunks;
    for (const [position, event] of events.entries()) {
      if (stopAt !== undefined && position >= stopAt) {
        await stopStream(res, behaviour.stopWith ?? 'close', signal);
        return;
      }
      if ((behaviour.chunkDelayMs ?? 0) > 0 && !(await sleep(behaviour.chunkDelayMs ?? 0, signal))) return;
      if (signal.aborted) return;
      res.write(`data: ${event}\n\n`);
    }
    res.end();
  }

  async function stopStream(res: ServerResponse, how: 'close' | 'reset' | 'end' | 'error-event', signal: AbortSignal): Promise<void> {
    switch (how) {
      case 'end':
        res.end();
        return;
      case 'error-event': {
        const error = errorBody({ status: 500, message: 'scripted failure during generation', type: 'InternalServerError', param: null });
        res.end(`data: ${JSON.stringify(error)}\n\ndata: [DONE]\n\n`);
        return;
      }
      case 'close':
        // Wait until the chunks written so far have left the process, then drop the connection mid-body.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        res.socket?.destroy();
        return;
      case 'reset':
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(RESET_SETTLE_MS, signal);
        res.socket?.resetAndDestroy();
        return;
    }
  }

  async function handleChat(req: IncomingMessage, res: ServerResponse, record: MutableRecord, signal: AbortSignal): Promise<void> {
    if (!isJsonContentType(req.headers['content-type'])) {
      sendError(res, { status: 400, message: `Unsupported Content-Type '${req.headers['content-type']}': send application/json`, type: 'BadRequestError', param: null });
      return;
    }
    if (record.body === undefined) {
      let reason = 'the body is empty';
      if (record.rawBody.trim() !== '') {
        try {
          JSON.parse(record.rawBody);
        } catch (error) {
          reason = error instanceof Error ? error.message : String(error);
        }
      }
      sendError(res, { status: 400, message: `Malformed JSON body: ${reason}`, type: 'BadRequestError', param: null });
      return;
    }
    const validation = validateChatCompletionRequest(record.body, models);
    if (!validation.ok) {
      sendError(res, validation.error);
      return;
    }
    const request = validation.request;
    const picked = pickStep(request, record);
    if ('error' in picked) {
      sendError(res, picked.error);
      return;
    }
    const step = picked.step;
    if (step.delayMs !== undefined && step.delayMs > 0 && !(await sleep(step.delayMs, signal))) return;
    if (signal.aborted) return;
    switch (step.kind) {
      case 'disconnect':
        if (step.how === 'close') req.socket.destroy();
        else req.socket.resetAndDestroy();
        return;
      case 'http-error':
        sendHttpError(res, step);
        return;
      default:
        await playAnswer(res, step, request, record.stepIndex, signal);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const method = req.method ?? 'GET';
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (!(error instanceof TooLargeError)) throw error;
      sendError(res, { status: 413, message: error.message, type: 'PayloadTooLargeError', param: null });
      return;
    }
    let body: unknown;
    try {
      body = rawBody.trim() === '' ? undefined : (JSON.parse(rawBody) as unknown);
    } catch {
      body = undefined;
    }
    const record: MutableRecord = { method, path: url.pathname, query: url.search, headers: { ...req.headers }, rawBody, body, stepIndex: undefined };
    recorded.push(record);

    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/health' && method === 'GET') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (options.apiKey !== undefined && path.startsWith('/v1') && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(res, 401, { error: 'Unauthorized' });
      return;
    }
    const notAllowed = (): void =>
      sendError(res, { status: 405, message: `Method ${method} not allowed on ${url.pathname}`, type: 'MethodNotAllowedError', param: null });
    if (path === '/v1/models') {
      if (method !== 'GET') return notAllowed();
      sendJson(res, 200, { object: 'list', data: models.map(modelEntry) });
      return;
    }
    const modelPath = /^\/v1\/models\/(.+)$/.exec(path);
    if (modelPath !== null) {
      if (method !== 'GET') return notAllowed();
      const id = decodeURIComponent(modelPath[1] ?? '');
      if (models.includes(id)) sendJson(res, 200, modelEntry(id));
      else sendError(res, { status: 404, message: `The model \`${id}\` does not exist.`, type: 'NotFoundError', param: 'model' });
      return;
    }
    if (path === '/v1/chat/completions') {
      if (method !== 'POST') return notAllowed();
      chatsInFlight++;
      chatsPeak = Math.max(chatsPeak, chatsInFlight);
      // Counted until the exchange ends (answer sent, connection cut or client gone), not when the handler returns.
      res.once('close', () => chatsInFlight--);
      await handleChat(req, res, record, signal);
      return;
    }
    sendError(res, { status: 404, message: `Not found: ${method} ${url.pathname}`, type: 'NotFoundError', param: null });
  }

  const server = createServer((req, res) => {
    const controller = new AbortController();
    inFlight.add(controller);
    res.once('close', () => {
      controller.abort();
      inFlight.delete(controller);
    });
    handle(req, res, controller.signal).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendError(res, scriptError(`internal error: ${reason}`, 'InternalServerError'));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://${HOST}:${port}/v1`,
    setScript(steps) {
      script = steps.map((step) => ({ step, used: false }));
    },
    requests() {
      return recorded.map((record) => Object.freeze({ ...record }));
    },
    remainingSteps() {
      return script.filter((entry) => !entry.used).length;
    },
    concurrency() {
      return { current: chatsInFlight, max: chatsPeak };
    },
    reset() {
      script = [];
      recorded = [];
      completionCount = 0;
      toolCallCount = 0;
      chatsPeak = chatsInFlight;
    },
    async close() {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
      for (const controller of inFlight) controller.abort();
      server.closeAllConnections();
      await closed;
    },
  };
}
