// Streamed output for `gic audit export`: text is gathered into chunks of about 64 KiB, and after each
// chunk the writer waits until stdout has taken it (CliIo.drain, the 'drain' event of a piped stdout),
// so a slow reader holds the export back instead of the process buffering the whole log. And `-o json`
// written as it is read: the document `JSON.stringify({...head, [key]: items}, null, 2)` would give,
// byte for byte, with the array written one element at a time, never built.
import type { CliIo } from '../output/cli-io.js';

/** Characters gathered before they are handed to stdout. */
const CHUNK_CHARS = 64 * 1024;

export interface StreamedOutput {
  /** Adds text; hands a full chunk to stdout and waits until stdout has taken it. */
  write(text: string): Promise<void>;
  /** Hands what is left to stdout and waits until it has taken it. */
  flush(): Promise<void>;
}

export function streamedOutput(io: CliIo, chunkChars = CHUNK_CHARS): StreamedOutput {
  let pending: string[] = [];
  let size = 0;
  const hand = async (): Promise<void> => {
    if (size === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    io.stdout(text);
    await io.drain?.();
  };
  return {
    async write(text) {
      pending.push(text);
      size += text.length;
      if (size >= chunkChars) await hand();
    },
    flush: hand,
  };
}

/**
 * Writes `{...head, [key]: [...items]}` as JSON.stringify(value, null, 2) followed by a newline would,
 * reading `items` one at a time. `head` must not hold `key`.
 */
export async function writeJsonDocument(out: StreamedOutput, head: Readonly<Record<string, unknown>>, key: string, items: AsyncIterable<unknown>): Promise<void> {
  const opening = JSON.stringify(head, null, 2);
  // `{\n  ...\n}` (or `{}` for an empty head): the array becomes the last member.
  await out.write(`${opening === '{}' ? '{' : `${opening.slice(0, -2)},`}\n  ${JSON.stringify(key)}: [`);
  let first = true;
  for await (const item of items) {
    // JSON text never holds a raw newline inside a string, so every newline starts a line to indent.
    const element = (JSON.stringify(item, null, 2) as string | undefined) ?? 'null';
    await out.write(`${first ? '' : ','}\n    ${element.replaceAll('\n', '\n    ')}`);
    first = false;
  }
  await out.write(first ? ']\n}\n' : '\n  ]\n}\n');
}
