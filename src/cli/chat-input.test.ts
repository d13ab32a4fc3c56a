// gic chat's input: one message per line, backslash continuation, """ blocks, blank lines skipped.
import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { chatMessages } from './chat-input.js';

async function messages(text: string): Promise<string[]> {
  const out: string[] = [];
  for await (const m of chatMessages(Readable.from([text]))) out.push(m);
  return out;
}

describe('chatMessages', () => {
  it('reads lines, joins continued lines and blocks, skips blank lines', async () => {
    expect(await messages('one\n\n  \ntwo \\\nlines\n"""\nblock a\n\nblock b\n"""\n/yaml\n')).toEqual(['one', 'two \nlines', 'block a\n\nblock b', '/yaml']);
  });
  it('sends what is left at the end of input', async () => {
    expect(await messages('unfinished \\\nstill')).toEqual(['unfinished \nstill']);
    expect(await messages('"""\nopen block')).toEqual(['open block']);
  });
});
