// Streams a text file (or standard input, `-`) line by line in constant memory: a reused 1 MiB read
// buffer, lines split on `\n` (a trailing `\r` dropped), each line decoded as UTF-8 and handed to a
// synchronous callback with its 1-based number. A line longer than `maxLineBytes` is not kept: the
// callback gets `undefined` and its length, and the reader skips to the next line break. After each
// chunk `afterChunk` runs (the caller flushes its output there, with backpressure). Opening the file
// happens in `openLines`, so that an unreadable file fails (exit 4) before any other work.
import { isAscii } from 'node:buffer';
import { type FileHandle, open } from 'node:fs/promises';

import { AppError } from '../errors.js';

export type LineCallback = (lineNumber: number, text: string | undefined, byteLength: number) => void;

export interface LineSource {
  /** Reads to the end, calling `onLine` for every line and `afterChunk` after every chunk. */
  forEach(onLine: LineCallback, afterChunk: () => Promise<void>): Promise<void>;
}

const CHUNK = 1 << 20;

/** Opens `file` (`-`: standard input) for line reading. */
export async function openLines(file: string, maxLineBytes: number): Promise<LineSource> {
  if (file === '-') return { forEach: (onLine, afterChunk) => splitChunks(stdinChunks(), maxLineBytes, onLine, afterChunk) };
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    }
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : error instanceof Error ? error.message : String(error);
    throw new AppError('input-unreadable', `cannot read ${file}: ${reason}`, { cause: error, details: { path: file, reason } });
  }
  return {
    forEach: async (onLine, afterChunk) => {
      try {
        await splitChunks(fileChunks(handle, file), maxLineBytes, onLine, afterChunk);
      } finally {
        await handle.close();
      }
    },
  };
}

async function* fileChunks(handle: FileHandle, file: string): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, 0, CHUNK, null));
    } catch (error) {
      throw new AppError('input-unreadable', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (bytesRead === 0) return;
    // The consumer is done with the chunk before the next read: the buffer is reused.
    yield buffer.subarray(0, bytesRead);
  }
}

async function* stdinChunks(): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of process.stdin) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
  } catch (error) {
    throw new AppError('input-unreadable', `cannot read standard input: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Splits chunks into lines; exported for tests. */
export async function splitChunks(chunks: AsyncIterable<Buffer>, maxLineBytes: number, onLine: LineCallback, afterChunk: () => Promise<void>): Promise<void> {
  let lineNumber = 0;
  // The start of the current line when it spans chunks (copied: chunks are reused), and its length so far.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  // ASCII text (nearly every request file) decodes as Latin-1, which is much cheaper than UTF-8.
  let ascii = false;
  const emit = (text: Buffer | undefined, bytes: number): void => {
    lineNumber++;
    if (text === undefined) {
      onLine(lineNumber, undefined, bytes);
      return;
    }
    let end = text.length;
    if (end > 0 && text[end - 1] === 0x0d) end--;
    let start = 0;
    if (lineNumber === 1 && end >= 3 && text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf) start = 3;
    onLine(lineNumber, ascii ? latin1(text, start, end) : text.toString('utf8', start, end), bytes);
  };
  for await (const chunk of chunks) {
    let position = 0;
    ascii = isAscii(chunk);
    for (;;) {
      const newline = chunk.indexOf(0x0a, position);
      const end = newline < 0 ? chunk.length : newline;
      const length = end - position;
      if (overlong || pendingBytes + length > maxLineBytes) {
        overlong = true;
        pendingBytes += length;
        pending = [];
      } else if (newline >= 0 && pendingBytes === 0) {
        emit(chunk.subarray(position, end), length);
      } else if (length > 0 || newline >= 0) {
        pending.push(Buffer.from(chunk.subarray(position, end)));
        pendingBytes += length;
      }
      if (newline < 0) break;
      if (overlong) emit(undefined, pendingBytes);
      else if (pending.length > 0) {
        // A line spanning chunks: ASCII only if every piece is.
        const whole = Buffer.concat(pending, pendingBytes);
        const chunkAscii = ascii;
        ascii = isAscii(whole);
        emit(whole, pendingBytes);
        ascii = chunkAscii;
      }
      pending = [];
      pendingBytes = 0;
      overlong = false;
      position = newline + 1;
    }
    await afterChunk();
  }
  if (overlong) emit(undefined, pendingBytes);
  else if (pendingBytes > 0) {
    const whole = Buffer.concat(pending, pendingBytes);
    ascii = isAscii(whole);
    emit(whole, pendingBytes);
  }
}

/** Latin-1 decoding of part of a buffer (Buffer#latin1Slice when the runtime has it). */
function latin1(buffer: Buffer, start: number, end: number): string {
  const slice = (buffer as Buffer & { latin1Slice?: (start: number, end: number) => string }).latin1Slice;
  return slice === undefined ? buffer.toString('latin1', start, end) : slice.call(buffer, start, end);
}
