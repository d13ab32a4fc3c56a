// The script a scripted model server plays: one step per expected chat-completion request, each saying
// what the "model" answers and how the HTTP exchange goes. Types only; scripted-model-server.ts plays them.
import type { IncomingHttpHeaders } from 'node:http';
import type { ChatCompletionRequest } from './chat-completion-request.js';

/** One HTTP request as the server received it, for tests to assert what gic sent. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  readonly query: string;
  /** Header names are lower-case (node:http). */
  readonly headers: IncomingHttpHeaders;
  /** The body as received (UTF-8). */
  readonly rawBody: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly body: unknown;
  /** Index (0-based) of the script step that answered this request, if one did. */
  readonly stepIndex: number | undefined;
}

/** Fields every step may have. */
interface StepBase {
  /** Shown in error messages (script mismatch, misuse) to tell steps apart. */
  readonly label?: string;
  /**
   * Restricts the step to requests it accepts. The server answers each request with the first pending step
   * whose predicate accepts it (a step without one accepts anything), so an all-unconditional script plays
   * strictly in order. A request no pending step accepts gets a 500 "script mismatch".
   */
  readonly match?: (request: ChatCompletionRequest, recorded: RecordedRequest) => boolean;
  /** Waits this long before sending anything, headers included: use it to run past a client timeout. */
  readonly delayMs?: number;
}

/** How an answer is streamed when the request has `stream: true`; ignored otherwise unless it cuts the stream. */
export interface StreamBehaviour {
  /** Characters of content, reasoning or tool-call arguments per SSE chunk. Default 8. */
  readonly chunkChars?: number;
  /** Pause before every `data:` event: slow streaming. Default 0. */
  readonly chunkDelayMs?: number;
  /**
   * Stops after this many `data:` events (the first is the role chunk), before the final chunk and
   * `data: [DONE]`. Only valid for streaming requests: a non-streaming request answered by such a step gets
   * a 500 naming the misuse.
   */
  readonly stopAfterChunks?: number;
  /**
   * How the stream stops at `stopAfterChunks`:
   * - `close` (default): closes the connection (FIN) inside the chunked body, so the client sees a
   *   truncated response after receiving every chunk sent (deterministic);
   * - `reset`: waits 50 ms for the client to take the chunks, then destroys the connection with a TCP RST
   *   (a crashed server or proxy; data still unread by the client may be lost);
   * - `end`: ends the HTTP response cleanly without finish chunk or `[DONE]`;
   * - `error-event`: sends `data: {"error": …}` then `data: [DONE]`, as vLLM does when generation fails.
   */
  readonly stopWith?: 'close' | 'reset' | 'end' | 'error-event';
}

/** Token counts reported in `usage`; missing counts are estimated (about 4 characters per token). */
export interface ScriptedUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
}

/** Fields of every step that answers with a completion (200). */
interface AnswerBase extends StepBase {
  /** `finish_reason` of the choice. Default `tool_calls` for a tool-calls step, `stop` otherwise. */
  readonly finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  /** Reasoning text sent as `reasoning_content` before the answer (vLLM/llama.cpp reasoning models). */
  readonly reasoningContent?: string;
  /** Overrides the estimated `usage`. */
  readonly usage?: ScriptedUsage;
  /** Streaming pace and interruption. */
  readonly stream?: StreamBehaviour;
}

/** Answers with a text message: `content` is `text`. */
export interface TextStep extends AnswerBase {
  readonly kind: 'text';
  readonly text: string;
}

/** Answers with a JSON value serialised as the message content (what a structured-output answer looks like). */
export interface JsonStep extends AnswerBase {
  readonly kind: 'json';
  readonly value: unknown;
}

/**
 * Answers with `content` exactly as given. On the wire the same as a text step; named for intent: answers gic
 * must reject or repair (malformed or truncated JSON, prose around JSON, an answer that obeys an instruction
 * injected into the prompt).
 */
export interface RawContentStep extends AnswerBase {
  readonly kind: 'raw-content';
  readonly content: string;
}

/** One tool call the model makes. */
export interface ScriptedToolCall {
  /** Tool-call id; default `call_<n>` numbered across the server's lifetime. */
  readonly id?: string;
  /** Function name; not checked against the request's `tools` (models do call tools that do not exist). */
  readonly name: string;
  /** Arguments: an object is serialised to JSON, a string is sent verbatim (it may be malformed). */
  readonly arguments: string | Readonly<Record<string, unknown>>;
}

/** Answers with `tool_calls` (and `finish_reason: "tool_calls"` unless overridden). */
export interface ToolCallsStep extends AnswerBase {
  readonly kind: 'tool-calls';
  readonly calls: readonly ScriptedToolCall[];
  /** Text the model says along with the calls; default none (`content: null`). */
  readonly content?: string;
}

/** Answers with an HTTP error status instead of a completion. */
export interface HttpErrorStep extends StepBase {
  readonly kind: 'http-error';
  /** e.g. 500, 503, 429, 401, 400. */
  readonly status: number;
  /** Message of the default body `{error: {message, type, param: null, code: status}}`. */
  readonly message?: string;
  /** Replaces the default body: a string is sent as-is (text/plain unless `headers` say otherwise), anything else as JSON. */
  readonly body?: unknown;
  /** Value of the `Retry-After` header (seconds or an HTTP date). */
  readonly retryAfter?: number | string;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Drops the connection without sending a response: a crashed server or a dropped connection. */
export interface DisconnectStep extends StepBase {
  readonly kind: 'disconnect';
  /** `reset` (default) sends a TCP RST (ECONNRESET on the client); `close` closes it cleanly (FIN, "socket hang up"). */
  readonly how?: 'reset' | 'close';
}

/** A step that answers with a completion. */
export type AnswerStep = TextStep | JsonStep | RawContentStep | ToolCallsStep;

/** One scripted answer, matched to one chat-completion request. */
export type ScriptStep = AnswerStep | HttpErrorStep | DisconnectStep;
