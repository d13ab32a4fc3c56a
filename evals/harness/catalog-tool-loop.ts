// The tool loop of the tool-use suite over gic's tool catalog (tools/index.ts, the one MCP serves and
// chat and the review bot offer to the model): the model gets the catalog as OpenAI tools, each call's
// arguments are parsed and validated with the tool's own input schema, the handler runs against the
// task's copilot (without a model, so tools never call the model themselves) and its text and value go
// back to the model as the tool result. A call to an unknown tool or with invalid arguments is answered
// with the error and recorded as not ok, as a front-end would. A task may offer only a subset of the
// catalog (`input.tools`): a smaller prompt for small models, measured as its own task.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

import { allTools } from '../../tools/index.js';
import type { ToolContext, ToolDefinition } from '../../tools/define-tool.js';
import { createCopilot } from '../../src/copilot/copilot.js';
import type { CopilotDeps } from '../../src/copilot/deps.js';
import { silentLogger } from '../../src/log.js';
import type { ChatMessage, ChatModel, ToolDefinition as ModelTool } from '../../src/model/chat-model.js';
import type { ToolCallRecord, ToolLoop, ToolTranscript } from './tool-loop.js';

const SYSTEM = readFileSync(join(import.meta.dirname, 'tool-loop-system.md'), 'utf8').trim();
/** Characters of one tool result the model sees (small models have small contexts). */
const RESULT_CHARS = 3_000;
const ACTOR = 'user:eval';

function modelTool(tool: ToolDefinition): ModelTool {
  const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema['$schema'];
  return { name: tool.name, description: tool.description, parameters: schema };
}

function toolContext(deps: CopilotDeps, name: string): ToolContext {
  const signal = new AbortController().signal;
  return {
    copilot: createCopilot(deps),
    caller: { actor: ACTOR, groups: [] },
    logger: silentLogger,
    signal,
    call: { actor: ACTOR, action: `evals:${name}`, signal },
    progress: () => undefined,
  };
}

async function callTool(deps: CopilotDeps, tool: ToolDefinition | undefined, name: string, args: string): Promise<{ record: ToolCallRecord; content: string }> {
  const fail = (error: string): { record: ToolCallRecord; content: string } => ({ record: { name, arguments: args, ok: false, error }, content: `error: ${error}` });
  if (tool === undefined) return fail(`there is no tool ${name}`);
  let json: unknown;
  try {
    json = args.trim() === '' ? {} : (JSON.parse(args) as unknown);
  } catch {
    return fail('the arguments are not JSON');
  }
  const parsed = tool.input.safeParse(json);
  if (!parsed.success) return fail(`invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ')}`);
  try {
    const outcome = await tool.handler(parsed.data, toolContext(deps, name));
    const value = JSON.stringify(outcome.value);
    const content = `${outcome.text}\n${value}`.slice(0, RESULT_CHARS);
    return { record: { name, arguments: args, ok: true }, content };
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** The task's subset of the catalog, in catalog order; a name the catalog does not have is an error. */
export function selectTools(catalog: readonly ToolDefinition[], names: readonly string[] | undefined): readonly ToolDefinition[] {
  if (names === undefined) return catalog;
  const unknown = names.filter((n) => !catalog.some((t) => t.name === n));
  if (unknown.length > 0) throw new Error(`input.tools: no tool ${unknown.join(', ')} in the catalog (the tools are ${catalog.map((t) => t.name).join(', ')})`);
  return catalog.filter((t) => names.includes(t.name));
}

export class CatalogToolLoop implements ToolLoop {
  constructor(private readonly tools: readonly ToolDefinition[] = allTools) {}

  async run(deps: CopilotDeps, model: ChatModel, text: string, maxSteps: number, toolNames?: readonly string[]): Promise<ToolTranscript> {
    // The tools get the task's deps without a model: only the loop talks to it.
    const { model: _unused, ...toolDeps } = deps;
    const tools = selectTools(this.tools, toolNames);
    const byName = new Map(tools.map((t) => [t.name, t]));
    const offered = tools.map(modelTool);
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: text },
    ];
    const calls: ToolCallRecord[] = [];
    for (let step = 1; step <= maxSteps; step++) {
      const response = await model.generate({ messages, tools: offered, maxTokens: 600, temperature: 0 });
      if (response.toolCalls.length === 0) return { calls, steps: step, finalText: response.content };
      messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
      for (const call of response.toolCalls) {
        const { record, content } = await callTool(toolDeps, byName.get(call.name), call.name, call.arguments);
        calls.push(record);
        messages.push({ role: 'tool', toolCallId: call.id, content });
      }
    }
    return { calls, steps: maxSteps, finalText: '' };
  }
}
