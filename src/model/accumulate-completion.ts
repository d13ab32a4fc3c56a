// Builds one ChatResponse from a streamed completion's chunks (content deltas, reasoning deltas, tool-call
// fragments keyed by index, the finish reason, the usage chunk) or from a whole completion. Reasoning never
// reaches the content. Pure: the client feeds it what the server sent.
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';

import type { ChatResponse, FinishReason, ToolCall } from './chat-model.js';
import { mapFinishReason } from './map-finish-reason.js';
import { ReasoningFilter, stripReasoning } from './strip-reasoning.js';

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

export class CompletionAccumulator {
  private content = '';
  private readonly filter = new ReasoningFilter();
  private readonly calls = new Map<number, PartialCall>();
  private finish: string | null | undefined;
  private promptTokens = 0;
  private completionTokens = 0;
  private model: string;
  private chunks = 0;

  constructor(requestedModel: string) {
    this.model = requestedModel;
  }

  /** True once a chunk carried a finish reason (the answer is complete). */
  get finished(): boolean {
    return this.finish !== undefined && this.finish !== null;
  }

  /** True once any chunk arrived (a failure after that cut the stream). */
  get pushedAny(): boolean {
    return this.chunks > 0;
  }

  /** Takes one chunk; returns the text to show for it (reasoning held back). */
  push(chunk: ChatCompletionChunk): string {
    this.chunks++;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.model = chunk.model;
    if (chunk.usage != null) this.takeUsage(chunk.usage);
    let shown = '';
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const delta = choice.delta as ChatCompletionChunk.Choice.Delta | undefined;
      if (typeof delta?.content === 'string' && delta.content !== '') {
        this.content += delta.content;
        shown += this.filter.push(delta.content);
      }
      for (const fragment of delta?.tool_calls ?? []) {
        const call = this.calls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
        if (fragment.id != null && fragment.id !== '') call.id = fragment.id;
        if (fragment.function?.name != null) call.name += fragment.function.name;
        if (fragment.function?.arguments != null) call.arguments += fragment.function.arguments;
        this.calls.set(fragment.index, call);
      }
      if (choice.finish_reason != null) this.finish = choice.finish_reason;
    }
    return shown;
  }

  /** Text held back by the reasoning filter, to show at the end of the stream. */
  flush(): string {
    return this.filter.end();
  }

  /** Takes a whole (non-streamed) completion. */
  takeCompletion(completion: ChatCompletion): void {
    if (typeof completion.model === 'string' && completion.model !== '') this.model = completion.model;
    if (completion.usage != null) this.takeUsage(completion.usage);
    const choice = completion.choices.find((c) => c.index === 0) ?? completion.choices[0];
    if (choice === undefined) return;
    this.content = choice.message.content ?? '';
    for (const [index, call] of (choice.message.tool_calls ?? []).entries()) {
      if (call.type !== 'function') continue;
      this.calls.set(index, { id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
    this.finish = choice.finish_reason;
  }

  response(): ChatResponse {
    const toolCalls: ToolCall[] = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, call]) => call.name !== '')
      .map(([index, call]) => ({ id: call.id === '' ? `call_${index + 1}` : call.id, name: call.name, arguments: call.arguments }));
    const finishReason: FinishReason = mapFinishReason(this.finish);
    return {
      content: stripReasoning(this.content),
      toolCalls,
      finishReason,
      usage: { promptTokens: this.promptTokens, completionTokens: this.completionTokens },
      model: this.model,
    };
  }

  private takeUsage(usage: { prompt_tokens?: number | null; completion_tokens?: number | null }): void {
    this.promptTokens = usage.prompt_tokens ?? this.promptTokens;
    this.completionTokens = usage.completion_tokens ?? this.completionTokens;
  }
}
