// Tool calls that small models write as plain text instead of `tool_calls` (docs/reference/platform.md
// §5.5): Hermes/Qwen `<tool_call>{...}</tool_call>` tags, or a bare or fenced JSON object (or array)
// `{"name": ..., "arguments": {...}}` (also `parameters`), possibly with doubled braces. Only calls to
// offered tools count; anything else stays text. Arguments are returned as JSON text for the caller to
// validate with the tool's schema. Pure.
import type { ToolCall } from './chat-model.js';
import { extractJson } from './extract-json.js';
import { stripReasoning } from './strip-reasoning.js';

export interface TextToolCalls {
  readonly toolCalls: readonly ToolCall[];
  /** The text outside the calls (trimmed). */
  readonly rest: string;
}

/** The tool calls written in `content`, or undefined when it holds none (for tools in `toolNames`). */
export function parseTextToolCalls(content: string, toolNames: ReadonlySet<string>, idPrefix = 'text_call_'): TextToolCalls | undefined {
  const text = stripReasoning(content);
  const tagged = [...text.matchAll(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g)];
  const candidates: unknown[] = [];
  let rest: string;
  if (tagged.length > 0) {
    for (const match of tagged) {
      const parsed = extractJson(match[1] ?? '');
      if (!parsed.ok) return undefined;
      candidates.push(parsed.value);
    }
    rest = text.replace(/<tool_call>[\s\S]*?(?:<\/tool_call>|$)/g, '');
  } else {
    const parsed = extractJson(text);
    if (!parsed.ok) return undefined;
    candidates.push(parsed.value);
    rest = text.includes(parsed.text) ? text.replace(parsed.text, '').replace(/```[\w-]*\s*```/g, '') : '';
  }
  const calls: ToolCall[] = [];
  for (const candidate of candidates.flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]))) {
    const call = asCall(candidate, toolNames);
    if (call === undefined) return undefined;
    calls.push({ id: `${idPrefix}${calls.length + 1}`, ...call });
  }
  return calls.length === 0 ? undefined : { toolCalls: calls, rest: rest.trim() };
}

function asCall(value: unknown, toolNames: ReadonlySet<string>): { name: string; arguments: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const nested = typeof record['function'] === 'object' && record['function'] !== null ? (record['function'] as Record<string, unknown>) : record;
  const name = nested['name'];
  if (typeof name !== 'string' || !toolNames.has(name)) return undefined;
  const args = nested['arguments'] ?? nested['parameters'] ?? {};
  return { name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
}
