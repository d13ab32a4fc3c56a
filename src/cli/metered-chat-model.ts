// A ChatModel that reports every call's outcome and token usage (gic serve's /metrics: model calls and
// tokens) and passes everything else through unchanged.
import { AppError } from '../errors.js';
import type { ChatModel, ChatRequest, ChatResponse, TokenUsage } from '../model/chat-model.js';

export type ModelObserver = (outcome: string, usage: TokenUsage | undefined) => void;

export function meteredChatModel(model: ChatModel, observe: ModelObserver): ChatModel {
  return {
    model: model.model,
    endpoint: model.endpoint,
    async generate(request: ChatRequest): Promise<ChatResponse> {
      try {
        const response = await model.generate(request);
        observe('ok', response.usage);
        return response;
      } catch (error) {
        observe(AppError.isInstance(error) ? error.code : 'failed', undefined);
        throw error;
      }
    },
  };
}
