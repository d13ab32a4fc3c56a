// The model in the loop (docs/architecture.md "chat-based policy drafting"): the in-cluster model
// drives a conversation by calling the tool catalog (function calling). Every call's arguments are
// parsed and validated with the tool's zod input schema before the handler runs; a call that fails
// validation, names a tool that is not offered, or throws comes back to the model as an error message
// and changes nothing. The loop is bounded: at most `maxSteps` model calls and `maxTokens` tokens over
// the turn. It never decides anything itself: the tools (src/copilot) compute every fact.
import { AppError } from '../errors.js';
import type { ChatMessage, ChatModel, TokenUsage } from '../model/chat-model.js';
import type { ChatEmit } from './chat-event.js';
import { type LoopTool, type LoopToolContext, modelToolDefinitions } from './loop-tool.js';

/** Characters of a tool's answer the model sees (the rest is cut, and the cut is said). */
const TOOL_TEXT_CHARS = 6_000;

export interface ToolLoopInput {
  readonly model: ChatModel;
  readonly tools: readonly LoopTool[];
  /** System prompt, earlier turns and the person's message. */
  readonly messages: readonly ChatMessage[];
  readonly maxSteps: number;
  readonly maxTokens: number;
  readonly context: LoopToolContext;
  readonly emit: ChatEmit;
}

export interface ToolLoopResult {
  /** The model's final answer ('' when it stopped at a bound). */
  readonly text: string;
  readonly steps: number;
  readonly usage: TokenUsage;
  /** Values the tools returned, in call order (proposal ids are read from them). */
  readonly toolValues: readonly { readonly name: string; readonly value: unknown }[];
  /** Set when the model could not use the tools (the caller falls back to intent extraction). */
  readonly unusable?: string;
  /** Set when a bound stopped the loop. */
  readonly bound?: 'steps' | 'tokens';
  /** The model the server answered with. */
  readonly modelId: string;
}

function parseArguments(raw: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return { ok: false, problem: `the arguments are not JSON: ${(error as Error).message}` };
  }
}

function cut(text: string): string {
  return text.length <= TOOL_TEXT_CHARS ? text : `${text.slice(0, TOOL_TEXT_CHARS)}\n[... ${text.length - TOOL_TEXT_CHARS} more characters cut]`;
}

export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopResult> {
  const { model, tools, context, emit } = input;
  const byName = new Map(tools.map((t) => [t.name, t]));
  const definitions = modelToolDefinitions(tools);
  const messages: ChatMessage[] = [...input.messages];
  const toolValues: { name: string; value: unknown }[] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  let badCallsInARow = 0;
  let modelId = model.model;
  for (let step = 1; step <= input.maxSteps; step++) {
    if (promptTokens + completionTokens >= input.maxTokens) return { text: '', steps: step - 1, usage: { promptTokens, completionTokens }, toolValues, bound: 'tokens', modelId };
    if (context.signal.aborted) throw new AppError('cancelled', 'cancelled by the caller');
    const response = await model.generate({
      messages,
      tools: definitions,
      maxTokens: Math.max(64, Math.min(1_500, input.maxTokens - promptTokens - completionTokens)),
      temperature: 0,
      signal: context.signal,
      onText: (delta) => emit({ type: 'text', delta }),
    });
    modelId = response.model;
    promptTokens += response.usage.promptTokens;
    completionTokens += response.usage.completionTokens;
    const usage = { promptTokens, completionTokens };
    if (response.toolCalls.length === 0) return { text: response.content, steps: step, usage, toolValues, modelId };
    messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
    let bad = 0;
    for (const call of response.toolCalls) {
      emit({ type: 'tool', id: call.id, name: call.name, status: 'call', text: call.arguments });
      const answer = await callTool(byName.get(call.name), call.name, call.arguments, context);
      if (answer.ok) {
        toolValues.push({ name: call.name, value: answer.value });
        emit({ type: 'tool', id: call.id, name: call.name, status: 'ok', text: answer.text });
      } else {
        if (answer.invalid) bad++;
        emit({ type: 'tool', id: call.id, name: call.name, status: 'error', text: answer.text });
      }
      messages.push({ role: 'tool', toolCallId: call.id, content: cut(answer.ok ? answer.text : `error: ${answer.text}`) });
    }
    badCallsInARow = bad === response.toolCalls.length ? badCallsInARow + 1 : 0;
    if (badCallsInARow >= 2) return { text: '', steps: step, usage, toolValues, unusable: 'the model called tools with invalid arguments twice in a row', modelId };
  }
  return { text: '', steps: input.maxSteps, usage: { promptTokens, completionTokens }, toolValues, bound: 'steps', modelId };
}

type ToolAnswer = { ok: true; value: unknown; text: string } | { ok: false; invalid: boolean; text: string };

async function callTool(tool: LoopTool | undefined, name: string, rawArguments: string, context: LoopToolContext): Promise<ToolAnswer> {
  if (tool === undefined) return { ok: false, invalid: true, text: `there is no tool ${JSON.stringify(name)} (or the caller may not use it)` };
  const parsed = parseArguments(rawArguments);
  if (!parsed.ok) return { ok: false, invalid: true, text: parsed.problem };
  const validated = tool.input.safeParse(parsed.value);
  if (!validated.success) {
    const problems = validated.error.issues.map((i) => `${i.path.length === 0 ? '(arguments)' : i.path.join('.')}: ${i.message}`);
    return { ok: false, invalid: true, text: `invalid arguments for ${name}: ${problems.join('; ')}` };
  }
  try {
    const outcome = await tool.handler(validated.data as never, { ...context, call: { ...context.call, action: `chat:${name}` } });
    return { ok: true, value: outcome.value, text: outcome.text };
  } catch (error) {
    if (AppError.isInstance(error) && error.code === 'cancelled') throw error;
    const code = AppError.isInstance(error) ? error.code : 'internal';
    return { ok: false, invalid: false, text: `${code}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
