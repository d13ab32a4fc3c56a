// The streamed writers of `gic audit export` (audit-export-writer.ts): the JSON document written element
// by element is byte for byte what JSON.stringify(value, null, 2) gives (fast-check, any chunk size),
// and output waits for stdout to take each chunk before reading on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CliIo } from '../output/cli-io.js';
import { streamedOutput, writeJsonDocument } from './audit-export-writer.js';

/** A CliIo bound to a buffer; `drain` resolves when the test says so, and is counted. */
function bufferIo(options: { readonly drain?: () => Promise<void> } = {}): CliIo & { readonly written: string[] } {
  const written: string[] = [];
  return {
    written,
    stdout: (text) => void written.push(text),
    stderr: () => undefined,
    stdoutIsTTY: false,
    ...(options.drain === undefined ? {} : { drain: options.drain }),
  };
}

async function* items<T>(values: readonly T[]): AsyncGenerator<T, void, undefined> {
  for (const value of values) yield value;
}

const key = fc.string().filter((k) => k !== 'entries' && k !== '__proto__');

describe('writeJsonDocument', () => {
  it('writes what JSON.stringify(value, null, 2) writes, whatever the head, the items and the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.jsonValue()), fc.array(fc.jsonValue(), { maxLength: 12 }), fc.integer({ min: 1, max: 4096 }), async (head, values, chunk) => {
        const io = bufferIo();
        const out = streamedOutput(io, chunk);
        await writeJsonDocument(out, head, 'entries', items(values));
        await out.flush();
        expect(io.written.join('')).toBe(`${JSON.stringify({ ...head, entries: values }, null, 2)}\n`);
      }),
    );
  });

  it('writes the export shape: header members, then the entries array last (empty too)', async () => {
    const head = { exportedAt: '2026-12-07T15:00:00.000Z', since: null, until: '2026-12-31T23:59:59.999Z', verify: { ok: true, entries: 2, firstBad: null, head: { seq: 2, hash: 'ab' } } };
    const entries = [{ seq: 1, detail: 'line\nbreak "quoted"', evidence: { nested: [1, { a: 'b' }] } }, { seq: 2, detail: undefined }];
    for (const list of [entries, []]) {
      const io = bufferIo();
      const out = streamedOutput(io);
      await writeJsonDocument(out, head, 'entries', items(list));
      await out.flush();
      expect(io.written.join('')).toBe(`${JSON.stringify({ ...head, entries: list }, null, 2)}\n`);
    }
  });
});

describe('streamedOutput', () => {
  it('hands stdout chunks, and waits for it to take each one before the next write returns', async () => {
    let release: (() => void) | undefined;
    let drains = 0;
    const io = bufferIo({
      drain: () => {
        drains++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const out = streamedOutput(io, 10);
    await out.write('12345');
    expect(io.written).toEqual([]);
    let returned = false;
    const full = out.write('67890').then(() => (returned = true));
    await new Promise((resolve) => setImmediate(resolve));
    // The chunk was handed over, but stdout has not taken it yet: the writer waits.
    expect(io.written).toEqual(['1234567890']);
    expect([drains, returned]).toEqual([1, false]);
    release!();
    await full;
    expect(returned).toBe(true);
    await out.write('tail');
    const flushed = out.flush();
    release!();
    await flushed;
    expect(io.written).toEqual(['1234567890', 'tail']);
    expect(drains).toBe(2);
    // Nothing left: flushing again writes nothing and does not wait.
    await out.flush();
    expect(drains).toBe(2);
  });

  it('writes without waiting when stdout has no drain (a buffer)', async () => {
    const io = bufferIo();
    const out = streamedOutput(io, 4);
    for (const text of ['ab', 'cd', 'ef']) await out.write(text);
    await out.flush();
    expect(io.written).toEqual(['abcd', 'ef']);
  });
});
