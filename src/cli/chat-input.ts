// `gic chat`'s input: messages read line by line from stdin (a terminal or a pipe). A line ending in a
// backslash continues on the next line, and a line `"""` opens or closes a block of several lines sent
// as one message. Empty messages are skipped; end of input ends the chat.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export async function* chatMessages(input: Readable): AsyncGenerator<string> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let parts: string[] = [];
  let block = false;
  for await (const line of lines) {
    if (line.trim() === '"""') {
      if (block) {
        block = false;
        const text = parts.join('\n');
        parts = [];
        if (text.trim() !== '') yield text;
      } else block = true;
      continue;
    }
    if (block) {
      parts.push(line);
      continue;
    }
    if (line.endsWith('\\')) {
      parts.push(line.slice(0, -1));
      continue;
    }
    parts.push(line);
    const text = parts.join('\n');
    parts = [];
    if (text.trim() !== '') yield text;
  }
  const rest = parts.join('\n');
  if (rest.trim() !== '') yield rest;
}
