// gic's chat messages and tools in the OpenAI chat-completions wire shape. Pure. Portable across vLLM,
// Ollama, llama.cpp and LocalAI: an assistant message always has string content ('' when it only called
// tools: llama-cpp-python rejects `content: null`), and nothing here asks for `tool_choice` or parallel calls.
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

import type { ChatMessage, ToolDefinition } from './chat-model.js';

export function toOpenAiMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'assistant':
        return {
          role: 'assistant',
          content: message.content,
          ...(message.toolCalls === undefined || message.toolCalls.length === 0
            ? {}
            : { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }),
        };
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    }
  });
}

export function toOpenAiTools(tools: readonly ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: { ...tool.parameters } } }));
}
