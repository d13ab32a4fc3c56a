import { describe, expect, it } from 'vitest';

import { ReasoningFilter, stripReasoning } from './strip-reasoning.js';

describe('stripReasoning', () => {
  it('removes think sections anywhere and an unterminated one at the end', () => {
    expect(stripReasoning('<think>plan</think>\n{"a":1}')).toBe('{"a":1}');
    expect(stripReasoning('x <think>a</think> y <think>b</think> z')).toBe('x  y  z');
    expect(stripReasoning('answer <think>cut off while thin')).toBe('answer');
    expect(stripReasoning('no reasoning')).toBe('no reasoning');
    expect(stripReasoning('a < b and <thin')).toBe('a < b and <thin');
  });

  it('filters a stream split anywhere, tags included, the same as the whole text', () => {
    const text = 'Hi <think>secret plan</think>there<think>more</think>!';
    for (let size = 1; size <= text.length; size++) {
      const filter = new ReasoningFilter();
      let shown = '';
      for (let start = 0; start < text.length; start += size) shown += filter.push(text.slice(start, start + size));
      shown += filter.end();
      expect(shown, `pieces of ${size}`).toBe('Hi there!');
    }
  });
});
