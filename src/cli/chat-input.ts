// `gic chat`'s input: messages read line by line from stdin (a terminal or a pipe). A line ending in a
// backslash continues on the next line, and a line `"""` opens or closes a block of several lines sent
// as one message. Empty messages are skipped; end of input ends the chat.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** `prompt` is called before each line is read (the terminal shows `you>` or `...`). */
export async function* chatMessages(input: Readable, prompt: (continued: boolean) => void = () => undefined): AsyncGenerator<string> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let parts: string[] = [];
  let block = false;
  prompt(false);
  for await (const line of lines) {
    try {
      yield* take(line);
    } finally {
      prompt(block || parts.length > 0);
    }
  }
  function* take(line: string): Generator<string> {
    if (line.trim() === '"""') {
      if (block) {
        block = false;
        const text = parts.join('\n');
        parts = [];
        if (text.trim() !== '') yield text;
      } else block = true;
      return;
    }
    if (block) {
      parts.push(line);
      return;
    }
    if (line.endsWith('\\')) {
      parts.push(line.slice(0, -1));
      return;
    }
    parts.push(line);
    const text = parts.join('\n');
    parts = [];
    if (text.trim() !== '') yield text;
  }
  const rest = parts.join('\n');
  if (rest.trim() !== '') yield rest;
}
