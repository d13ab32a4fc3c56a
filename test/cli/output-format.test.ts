// Output format selection: human on a terminal, the command's machine format otherwise, an explicit
// `-o` always wins, and an unsupported format is a usage error.
import { describe, expect, it } from 'vitest';

import { resolveOutputFormat } from '../../src/cli/output/output-format.js';
import { AppError } from '../../src/errors.js';

describe('resolveOutputFormat', () => {
  it('defaults to human on a terminal and to the first machine format elsewhere', () => {
    expect(resolveOutputFormat(undefined, ['human', 'json'], true)).toBe('human');
    expect(resolveOutputFormat(undefined, ['human', 'json'], false)).toBe('json');
    expect(resolveOutputFormat(undefined, ['human', 'json', 'jsonl'], false)).toBe('json');
  });

  it('honours an explicit format, with text as an alias of human', () => {
    expect(resolveOutputFormat('json', ['human', 'json'], true)).toBe('json');
    expect(resolveOutputFormat('text', ['human', 'json'], false)).toBe('human');
    expect(resolveOutputFormat('jsonl', ['human', 'json', 'jsonl'], true)).toBe('jsonl');
  });

  it('rejects a format the command does not support as a usage error', () => {
    const error: unknown = (() => {
      try {
        return resolveOutputFormat('jsonl', ['human', 'json'], false);
      } catch (e) {
        return e;
      }
    })();
    expect(AppError.isInstance(error) && error.code === 'usage').toBe(true);
    expect((error as Error).message).toContain('use one of: human, json');
  });
});
