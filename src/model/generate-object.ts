// Structured output on any ChatModel: asks for JSON constrained by a JSON Schema derived from a zod schema
// (the client picks the server's dialect: `response_format` json_schema, llama-cpp-python's json_object +
// schema, Ollama's `format`, or the schema in the prompt), parses the answer and validates it with zod. On
// failure it runs ONE repair round that shows the model its answer and the validation errors, then fails
// with `model-invalid-output`. The model never decides: callers still check the value against the engine.
import { z } from 'zod';

import type { ChatMessage, ChatModel, JsonSchema, TokenUsage } from './chat-model.js';
import { extractJson } from './extract-json.js';
import { ModelError } from './model-error.js';
import { defaultRepairText } from './structured-output-text.js';

export interface GenerateObjectOptions<S extends z.ZodType> {
  readonly model: ChatModel;
  /** The conversation so far (system prompt first); the answer must be one JSON value. */
  readonly messages: readonly ChatMessage[];
  readonly schema: S;
  /** Schema name sent to the server (`json_schema.name`): 1-64 of a-z A-Z 0-9 _ -. */
  readonly name: string;
  readonly signal?: AbortSignal;
  readonly maxTokens?: number;
  /** Default 0: extraction, not creativity. */
  readonly temperature?: number;
  /** The JSON Schema to send instead of the one derived from `schema` (zod still validates). */
  readonly jsonSchema?: JsonSchema;
  /** The text of the repair message, given the problems found (default: structured-output-text.ts). */
  readonly repairText?: (problems: string) => string;
  /** Streaming: each text delta of each round. */
  readonly onText?: (delta: string) => void;
}

export interface GenerateObjectResult<T> {
  readonly value: T;
  /** Tokens over every round. */
  readonly usage: TokenUsage;
  /** 1, or 2 when the repair round was needed. */
  readonly rounds: 1 | 2;
  /** The answer text the value was parsed from (reasoning stripped). */
  readonly raw: string;
  /** The model id the server answered with. */
  readonly model: string;
}

/**
 * The JSON Schema gic sends for a zod schema: input shape, no `$schema` key, unrepresentable parts open,
 * and `pattern`s without the `\/` that JavaScript puts in RegExp sources (llama.cpp's grammar converter
 * silently drops a pattern it cannot read, so `^\/` would leave the string unconstrained).
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return portablePatterns(rest) as JsonSchema;
}

function portablePatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portablePatterns);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === 'pattern' && typeof value === 'string' ? unescapeSlashes(value) : portablePatterns(value)]));
}

/** `\/` -> `/` (the same regex in ECMA-262), leaving every other escape, `\\/` included, as written. */
function unescapeSlashes(pattern: string): string {
  let out = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\' && index + 1 < pattern.length) {
      const next = pattern[index + 1];
      out += next === '/' ? '/' : `${char}${next}`;
      index++;
    } else out += char;
  }
  return out;
}

/** Asks `model` for a value of `schema`; see the file header for the rounds. */
export async function generateObject<S extends z.ZodType>(options: GenerateObjectOptions<S>): Promise<GenerateObjectResult<z.output<S>>> {
  if (!/^[\w-]{1,64}$/.test(options.name)) throw new TypeError(`generateObject: schema name "${options.name}" must be 1-64 of a-z, A-Z, 0-9, _ or -`);
  const responseSchema = { name: options.name, schema: options.jsonSchema ?? jsonSchemaOf(options.schema) };
  const messages: ChatMessage[] = [...options.messages];
  let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  let problems = '';
  let raw = '';
  for (const round of [1, 2] as const) {
    const response = await options.model.generate({
      messages,
      responseSchema,
      temperature: options.temperature ?? 0,
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onText === undefined ? {} : { onText: options.onText }),
    });
    usage = { promptTokens: usage.promptTokens + response.usage.promptTokens, completionTokens: usage.completionTokens + response.usage.completionTokens };
    raw = response.content;
    const checked = check(options.schema, response.content);
    if (checked.ok) return { value: checked.value as z.output<S>, usage, rounds: round, raw: checked.text, model: response.model };
    problems = response.finishReason === 'length' ? `${checked.problems}\n(the answer was cut off at the token limit: keep it shorter)` : checked.problems;
    messages.push({ role: 'assistant', content: response.content }, { role: 'user', content: (options.repairText ?? defaultRepairText)(problems) });
  }
  throw new ModelError('model-invalid-output', `the model's answer for "${options.name}" is not valid after a repair round: ${firstLine(problems)}`, {
    details: { name: options.name, rounds: 2, problems, raw: raw.slice(0, 2_000), usage },
  });
}

type Checked = { readonly ok: true; readonly value: unknown; readonly text: string } | { readonly ok: false; readonly problems: string };

function check(schema: z.ZodType, content: string): Checked {
  const extracted = extractJson(content);
  if (!extracted.ok) return { ok: false, problems: extracted.problem };
  const parsed = schema.safeParse(extracted.value);
  if (parsed.success) return { ok: true, value: parsed.data, text: extracted.text };
  const lines = parsed.error.issues.slice(0, 20).map((issue) => `- ${issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')}: ${issue.message}`);
  return { ok: false, problems: `the JSON does not match the schema:\n${lines.join('\n')}` };
}

function firstLine(text: string): string {
  const lines = text.split('\n');
  return lines.length > 1 ? `${lines[0]} ${lines.slice(1, 4).join(' ').trim()}` : text;
}
