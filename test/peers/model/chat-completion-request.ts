// What the scripted model server accepts on POST /v1/chat/completions: the zod schema of the request
// body and the checks a real OpenAI-compatible server (vLLM, Ollama, llama.cpp) makes before generating.
// Pure: no I/O. It must not be more lenient than the servers gic targets; a request that passes here is
// one a real server would take.
import { z } from 'zod';

/** An OpenAI-style error as vLLM returns it: `{error: {message, type, param, code}}` with the HTTP status. */
export interface ApiError {
  readonly status: number;
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
}

const ContentPartSchema = z.looseObject({ type: z.string() });
const TextContentSchema = z.union([z.string(), z.array(ContentPartSchema)]);

const MessageToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const MessageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content: TextContentSchema, name: z.string().optional() }),
  z.looseObject({ role: z.literal('developer'), content: TextContentSchema, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content: TextContentSchema, name: z.string().optional() }),
  z
    .looseObject({
      role: z.literal('assistant'),
      content: TextContentSchema.nullish(),
      tool_calls: z.array(MessageToolCallSchema).nullish(),
      name: z.string().optional(),
    })
    .refine((message) => message.content != null || (message.tool_calls?.length ?? 0) > 0, {
      message: "an assistant message needs 'content' or 'tool_calls'",
    }),
  z.looseObject({ role: z.literal('tool'), content: TextContentSchema, tool_call_id: z.string() }),
]);

/** One chat message as sent by the client (extra fields kept). */
export type ChatMessage = z.infer<typeof MessageSchema>;

const FunctionNameSchema = z.string().regex(/^[\w-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ or -');

const ToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: FunctionNameSchema,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: FunctionNameSchema,
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** The chat-completion request body fields the server understands; unknown fields are kept as sent. */
export const ChatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(MessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z.array(ToolSchema).nullish(),
  tool_choice: ToolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: ResponseFormatSchema.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  n: z.int().positive().nullish(),
  seed: z.int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
});

/** A validated chat-completion request body. */
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export type ValidationResult =
  | { readonly ok: true; readonly request: ChatCompletionRequest }
  | { readonly ok: false; readonly error: ApiError };

function badRequest(message: string, param: string | null): ValidationResult {
  return { ok: false, error: { status: 400, message, type: 'BadRequestError', param } };
}

/**
 * Checks a parsed JSON body the way vLLM does: shape (400, `param` names the first bad field), then the
 * model against the served names (404 NotFoundError, param `model`, as vLLM's `_check_model`), then the
 * cross-field rules vLLM and the OpenAI API enforce.
 */
export function validateChatCompletionRequest(body: unknown, servedModels: readonly string[]): ValidationResult {
  const parsed = ChatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    const param = path === '' ? null : path;
    return badRequest(`Invalid request body${param === null ? '' : ` at '${param}'`}: ${issue?.message ?? 'invalid'}`, param);
  }
  const request = parsed.data;
  if (!servedModels.includes(request.model)) {
    return {
      ok: false,
      error: { status: 404, message: `The model \`${request.model}\` does not exist.`, type: 'NotFoundError', param: 'model' },
    };
  }
  if (request.stream_options != null && request.stream !== true) {
    return badRequest('Stream options can only be defined when `stream=True`.', 'stream_options');
  }
  if ((request.n ?? 1) !== 1) {
    return badRequest('The scripted model server answers with one choice only (n must be 1).', 'n');
  }
  const toolNames = (request.tools ?? []).map((tool) => tool.function.name);
  const choice = request.tool_choice;
  if (choice != null && choice !== 'none' && toolNames.length === 0) {
    return badRequest('When using `tool_choice`, `tools` must be set.', 'tool_choice');
  }
  if (typeof choice === 'object' && choice !== null && !toolNames.includes(choice.function.name)) {
    return badRequest(`Tool '${choice.function.name}' has not been passed in \`tools\`.`, 'tool_choice');
  }
  return checkToolMessages(request);
}

/** Every tool message must answer a tool call of an earlier assistant message (OpenAI rejects it otherwise). */
function checkToolMessages(request: ChatCompletionRequest): ValidationResult {
  const calledIds = new Set<string>();
  for (const [index, message] of request.messages.entries()) {
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) calledIds.add(call.id);
    } else if (message.role === 'tool' && !calledIds.has(message.tool_call_id)) {
      return badRequest(
        `messages.${index}: a message with role 'tool' must answer a preceding assistant 'tool_calls' entry; ` +
          `no earlier tool call has id '${message.tool_call_id}'.`,
        `messages.${index}.tool_call_id`,
      );
    }
  }
  return { ok: true, request };
}
