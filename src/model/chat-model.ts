// The seam where gic meets a language model (docs/style.md A1 "model-provider seam"): the use cases in
// src/copilot see only ChatModel. Implementations: the OpenAI-compatible client (vLLM, Ollama,
// llama.cpp's server, LocalAI) behind the egress guard, and test doubles. A model never decides
// anything: callers validate every answer (structured output with zod, tool-call arguments with the
// tool's input schema) and treat its text as untrusted.

/** A JSON Schema object (draft 2020-12 or draft-07), as sent to the server. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ToolCall {
  /** The server's id for the call (generated when the server sends none). */
  readonly id: string;
  readonly name: string;
  /** The raw argument text as the model wrote it: parse and validate before use. */
  readonly arguments: string;
}

export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

/** A function the model may call, in the OpenAI `tools` shape. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchema;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  /** Offered functions. Callers never rely on `tool_choice` or parallel calls (docs/reference/platform.md §5.3). */
  readonly tools?: readonly ToolDefinition[];
  /** Ask for schema-constrained JSON where the server supports it; the client falls back to the prompt. */
  readonly responseSchema?: { readonly name: string; readonly schema: JsonSchema };
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly signal?: AbortSignal;
  /** Streaming: called with each text delta as it arrives (the full text is still returned). */
  readonly onText?: (delta: string) => void;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface ChatResponse {
  /** The assistant's text (reasoning sections stripped); empty when it only called tools. */
  readonly content: string;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
  /** The model id the server answered with. */
  readonly model: string;
}

export interface ChatModel {
  /** The configured model name (as the server serves it). */
  readonly model: string;
  /** The endpoint, for logs, audit and `gic doctor` (never holds credentials). */
  readonly endpoint: string;
  generate(request: ChatRequest): Promise<ChatResponse>;
}
