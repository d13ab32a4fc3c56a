// The chat page's server-sent-events reader (src/web/sse-reader.js, browser code run here on Node's
// web streams): events as the SSE specification parses them, whatever the chunking of the stream.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// @ts-expect-error -- browser JavaScript without type declarations (src/web has no build step).
import { readServerSentEvents } from '../../src/web/sse-reader.js';

type Read = (body: ReadableStream<Uint8Array>) => AsyncGenerator<{ event: string; data: string }>;
const read = readServerSentEvents as Read;

async function eventsOf(chunks: readonly string[]): Promise<{ event: string; data: string }[]> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
  const out: { event: string; data: string }[] = [];
  for await (const e of read(body)) out.push(e);
  return out;
}

const STREAM = ': comment\nevent: text\ndata: {"delta":"a"}\nid: 1\n\nevent: answer\ndata: line one\ndata: line two\r\n\r\ndata:no-space\n\nevent: done\ndata: {}\n\n';
const EXPECTED = [
  { event: 'text', data: '{"delta":"a"}' },
  { event: 'answer', data: 'line one\nline two' },
  { event: 'message', data: 'no-space' },
  { event: 'done', data: '{}' },
];

describe('readServerSentEvents', () => {
  it('parses event types, multi-line data, comments and CRLF', async () => {
    expect(await eventsOf([STREAM])).toEqual(EXPECTED);
  });
  it('reads a CRLF split across two chunks as one line end', async () => {
    expect(await eventsOf(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
  it('gives the same events however the stream is cut into chunks (also inside a CRLF or a UTF-8 character)', async () => {
    const text = `${STREAM}event: text\ndata: {"delta":"é→✓"}\n\n`;
    const expected = [...EXPECTED, { event: 'text', data: '{"delta":"é→✓"}' }];
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const points = [0, ...[...cuts].sort((a, b) => a - b), text.length];
        const chunks = points.slice(1).map((end, i) => text.slice(points[i], end));
        expect(await eventsOf(chunks)).toEqual(expected);
      }),
    );
  });
});
