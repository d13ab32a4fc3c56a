// How a chat request asks for schema-constrained JSON, per server (docs/reference/platform.md §5.2):
// - `json_schema`: `response_format: {type: 'json_schema', json_schema: {name, schema}}` (vLLM, llama.cpp's
//   llama-server, LocalAI, Ollama's /v1);
// - `json_object_schema`: `response_format: {type: 'json_object', schema}` (llama-cpp-python's server);
// - `ollama_format`: a top-level `format: <schema>` (Ollama's native field);
// - `prompt`: no constraint, the schema goes into the system prompt (any server; the fallback).
// Pure: returns the body fields and the messages to send.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

import type { JsonSchema } from './chat-model.js';

export const STRUCTURED_OUTPUT_DIALECTS = ['json_schema', 'json_object_schema', 'ollama_format', 'prompt'] as const;
export type StructuredOutputDialect = (typeof STRUCTURED_OUTPUT_DIALECTS)[number];

export interface DialectRequest {
  /** Extra body fields (`response_format` or `format`). */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly messages: ChatCompletionMessageParam[];
}

/** The body fields and messages that ask for `schema` in `dialect`; `schemaText` renders the prompt form. */
export function applyDialect(
  dialect: StructuredOutputDialect,
  responseSchema: { readonly name: string; readonly schema: JsonSchema },
  messages: readonly ChatCompletionMessageParam[],
  schemaText: (name: string, schemaJson: string) => string,
): DialectRequest {
  const schema = { ...responseSchema.schema };
  switch (dialect) {
    case 'json_schema':
      return { fields: { response_format: { type: 'json_schema', json_schema: { name: responseSchema.name, schema } } }, messages: [...messages] };
    case 'json_object_schema':
      return { fields: { response_format: { type: 'json_object', schema } }, messages: [...messages] };
    case 'ollama_format':
      return { fields: { format: schema }, messages: [...messages] };
    case 'prompt':
      return { fields: {}, messages: withSystemText(messages, schemaText(responseSchema.name, JSON.stringify(schema))) };
  }
}

/** Appends `text` to the first system message, or puts a system message first when there is none. */
function withSystemText(messages: readonly ChatCompletionMessageParam[], text: string): ChatCompletionMessageParam[] {
  const index = messages.findIndex((message) => message.role === 'system');
  if (index < 0) return [{ role: 'system', content: text }, ...messages];
  const system = messages[index] as ChatCompletionMessageParam & { role: 'system' };
  const content = typeof system.content === 'string' ? system.content : system.content.map((part) => part.text).join('');
  return messages.map((message, at) => (at === index ? { role: 'system', content: `${content}\n\n${text}` } : message));
}
