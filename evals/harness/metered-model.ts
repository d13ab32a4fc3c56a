// A ChatModel that forwards to another and counts what one eval attempt cost: model calls, prompt and
// completion tokens, time spent waiting for the model, and the tool calls the model made. It changes
// nothing in the requests or answers.
import type { ChatModel, ChatRequest, ChatResponse } from '../../src/model/chat-model.js';

export interface ModelMeter {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  modelMs: number;
  toolCalls: number;
  /** The last answer's text (for reports of what the model said). */
  lastText: string;
}

export function newMeter(): ModelMeter {
  return { calls: 0, promptTokens: 0, completionTokens: 0, modelMs: 0, toolCalls: 0, lastText: '' };
}

export class MeteredModel implements ChatModel {
  readonly model: string;
  readonly endpoint: string;

  constructor(
    private readonly inner: ChatModel,
    readonly meter: ModelMeter,
  ) {
    this.model = inner.model;
    this.endpoint = inner.endpoint;
  }

  async generate(request: ChatRequest): Promise<ChatResponse> {
    const started = performance.now();
    this.meter.calls++;
    try {
      const response = await this.inner.generate(request);
      this.meter.promptTokens += response.usage.promptTokens;
      this.meter.completionTokens += response.usage.completionTokens;
      this.meter.toolCalls += response.toolCalls.length;
      this.meter.lastText = response.content;
      return response;
    } finally {
      this.meter.modelMs += performance.now() - started;
    }
  }
}
