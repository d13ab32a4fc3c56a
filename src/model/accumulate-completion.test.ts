import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';

import { CompletionAccumulator } from './accumulate-completion.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): ChatCompletionChunk =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'served-name', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra }) as unknown as ChatCompletionChunk;

describe('CompletionAccumulator', () => {
  it('joins content deltas, holds back reasoning, assembles tool-call fragments by index and takes usage', () => {
    const acc = new CompletionAccumulator('requested');
    const shown = [
      acc.push(chunk({ role: 'assistant', content: '' })),
      acc.push(chunk({ reasoning_content: 'secret' })),
      acc.push(chunk({ content: '<thi' })),
      acc.push(chunk({ content: 'nk>plan</think>Hel' })),
      acc.push(chunk({ content: 'lo' })),
      acc.push(chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'second', arguments: '{"y"' } }] })),
      acc.push(chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'first', arguments: '' } }] })),
      acc.push(chunk({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }, { index: 0, function: { arguments: '{}' } }] })),
      acc.push(chunk({}, 'tool_calls')),
      acc.push({ ...chunk({}), choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } } as ChatCompletionChunk),
    ].join('');
    expect(shown + acc.flush()).toBe('Hello');
    expect(acc.finished).toBe(true);
    expect(acc.response()).toEqual({
      content: 'Hello',
      toolCalls: [
        { id: 'a', name: 'first', arguments: '{}' },
        { id: 'b', name: 'second', arguments: '{"y":2}' },
      ],
      finishReason: 'tool_calls',
      usage: { promptTokens: 11, completionTokens: 7 },
      model: 'served-name',
    });
  });

  it('is unfinished without a finish reason, and maps unknown reasons to other', () => {
    const acc = new CompletionAccumulator('requested');
    acc.push(chunk({ content: 'partial' }));
    expect(acc.finished).toBe(false);
    acc.push(chunk({}, 'eos_token'));
    expect(acc.response().finishReason).toBe('other');
  });
});
