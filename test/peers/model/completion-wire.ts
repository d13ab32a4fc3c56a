// Builds the bodies an OpenAI-compatible server sends for a scripted answer: the non-streaming
// `chat.completion`, the streaming `chat.completion.chunk` events (role, reasoning, content pieces,
// tool-call deltas, finish chunk, usage chunk), and error bodies. Pure: no I/O, no clock (time is passed in).
import type { ApiError, ChatCompletionRequest } from './chat-completion-request.js';
import type { AnswerStep } from './script-step.js';

/** A tool call with its id and serialised arguments, ready for the wire. */
export interface WireToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** A scripted answer resolved to what goes on the wire. */
export interface ResolvedAnswer {
  readonly content: string | null;
  readonly reasoningContent: string | undefined;
  readonly toolCalls: readonly WireToolCall[];
  readonly finishReason: string;
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number; readonly total_tokens: number };
}

/** Identity of one completion: the same in every chunk of a stream. */
export interface CompletionIdentity {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Resolves a step against the request: content, tool calls with ids, finish reason and usage. */
export function resolveAnswer(step: AnswerStep, request: ChatCompletionRequest, nextToolCallId: () => string): ResolvedAnswer {
  let content: string | null;
  let toolCalls: WireToolCall[] = [];
  switch (step.kind) {
    case 'text':
      content = step.text;
      break;
    case 'json':
      content = JSON.stringify(step.value);
      break;
    case 'raw-content':
      content = step.content;
      break;
    case 'tool-calls':
      content = step.content ?? null;
      toolCalls = step.calls.map((call) => ({
        id: call.id ?? nextToolCallId(),
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      }));
      break;
  }
  const generated = (content ?? '') + (step.reasoningContent ?? '') + toolCalls.map((call) => call.name + call.arguments).join('');
  const promptTokens = step.usage?.prompt_tokens ?? estimateTokens(JSON.stringify(request.messages));
  const completionTokens = step.usage?.completion_tokens ?? estimateTokens(generated);
  return {
    content,
    reasoningContent: step.reasoningContent,
    toolCalls,
    finishReason: step.finishReason ?? (step.kind === 'tool-calls' ? 'tool_calls' : 'stop'),
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** The non-streaming `chat.completion` body. */
export function completionBody(identity: CompletionIdentity, answer: ResolvedAnswer): object {
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.content,
          ...(answer.reasoningContent === undefined ? {} : { reasoning_content: answer.reasoningContent }),
          ...(answer.toolCalls.length === 0
            ? {}
            : {
                tool_calls: answer.toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
        },
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    usage: answer.usage,
  };
}

/** Splits text into pieces of `size` code points (never splitting a surrogate pair). */
export function splitIntoPieces(text: string, size: number): string[] {
  const codePoints = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) pieces.push(codePoints.slice(start, start + size).join(''));
  return pieces;
}

/**
 * The JSON payloads of the `data:` events of a streamed answer, in order, without the final `[DONE]`:
 * role chunk, reasoning pieces, content pieces, per tool call a chunk with index/id/type/name and empty
 * arguments then argument fragments, the finish chunk, and the usage chunk (`choices: []`) when asked for.
 * With `include_usage`, every other chunk carries `usage: null` as the OpenAI API does.
 */
export function streamChunks(identity: CompletionIdentity, answer: ResolvedAnswer, chunkChars: number, includeUsage: boolean): object[] {
  const chunk = (choice: object | undefined, usage?: object): object => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: choice === undefined ? [] : [{ index: 0, logprobs: null, finish_reason: null, ...choice }],
    ...(includeUsage ? { usage: usage ?? null } : {}),
  });
  const chunks: object[] = [chunk({ delta: { role: 'assistant', content: '' } })];
  for (const piece of splitIntoPieces(answer.reasoningContent ?? '', chunkChars)) {
    chunks.push(chunk({ delta: { reasoning_content: piece } }));
  }
  for (const piece of splitIntoPieces(answer.content ?? '', chunkChars)) {
    chunks.push(chunk({ delta: { content: piece } }));
  }
  for (const [index, call] of answer.toolCalls.entries()) {
    chunks.push(chunk({ delta: { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] } }));
    for (const piece of splitIntoPieces(call.arguments, chunkChars)) {
      chunks.push(chunk({ delta: { tool_calls: [{ index, function: { arguments: piece } }] } }));
    }
  }
  chunks.push(chunk({ delta: {}, finish_reason: answer.finishReason }));
  if (includeUsage) chunks.push(chunk(undefined, answer.usage));
  return chunks;
}

/** The OpenAI-style error body vLLM sends: `{error: {message, type, param, code}}` with `code` the status. */
export function errorBody(error: ApiError): object {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.status } };
}

const errorTypes: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  408: 'RequestTimeoutError',
  413: 'PayloadTooLargeError',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeoutError',
};

/** The error `type` used for a status in default error bodies. */
export function errorTypeFor(status: number): string {
  return errorTypes[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError');
}
