// A minimal ChatModel over HTTP for copilot tests against the scripted model server, until the
// OpenAI-compatible client of src/model lands on main (then tests use it). Non-streaming POST
// /chat/completions, json_schema response_format when asked; errors become AppError `model-*`.
import { AppError } from '../../src/errors.js';
import type { ChatModel, ChatRequest, ChatResponse, FinishReason } from '../../src/model/chat-model.js';

export function httpChatModel(baseUrl: string, model = 'scripted-model'): ChatModel {
  return {
    model,
    endpoint: baseUrl,
    async generate(request: ChatRequest): Promise<ChatResponse> {
      const body = {
        model,
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.responseSchema !== undefined ? { response_format: { type: 'json_schema', json_schema: { name: request.responseSchema.name, schema: request.responseSchema.schema } } } : {}),
      };
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(request.signal !== undefined ? { signal: request.signal } : {}) });
      } catch (error) {
        throw new AppError('model-unavailable', `model request failed: ${(error as Error).message}`, { cause: error });
      }
      const text = await response.text();
      if (!response.ok) throw new AppError(response.status === 429 ? 'model-rate-limited' : 'model-unavailable', `model answered ${response.status}: ${text.slice(0, 200)}`);
      const json = JSON.parse(text) as { model: string; choices: { message: { content: string | null }; finish_reason: string }[]; usage?: { prompt_tokens: number; completion_tokens: number } };
      const choice = json.choices[0];
      return {
        content: choice?.message.content ?? '',
        toolCalls: [],
        finishReason: (['stop', 'length', 'tool_calls', 'content_filter'].includes(choice?.finish_reason ?? '') ? choice?.finish_reason : 'other') as FinishReason,
        usage: { promptTokens: json.usage?.prompt_tokens ?? 0, completionTokens: json.usage?.completion_tokens ?? 0 },
        model: json.model,
      };
    },
  };
}
