// Streaming `--requests` line by line: the same lines whatever the chunking (property), CRLF and a BOM
// handled, a line over the cap reported by number and length without being kept, and numbering that
// counts every line (blank ones too) so results point at the input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { GeneratorCoverage } from '../../test/support/generator-coverage.js';
import { splitChunks } from './read-lines.js';

async function* chunksOf(buffer: Buffer, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= start || cut >= buffer.length) continue;
    // A reused buffer, as the file reader reuses its own.
    yield Buffer.from(buffer.subarray(start, cut));
    start = cut;
  }
  if (start < buffer.length) yield Buffer.from(buffer.subarray(start));
}

async function lines(text: string | Buffer, cuts: readonly number[] = [], max = 1 << 20): Promise<Array<[number, string | undefined, number]>> {
  const out: Array<[number, string | undefined, number]> = [];
  await splitChunks(chunksOf(typeof text === 'string' ? Buffer.from(text) : text, cuts), max, (n, t, bytes) => void out.push([n, t, bytes]), async () => undefined);
  return out;
}

describe('splitChunks', () => {
  it('gives the same lines as a whole-text split, whatever the chunk boundaries', async () => {
    // chunksOf skips cuts outside the text: count the cases that really were cut, and inside a line.
    const coverage = new GeneratorCoverage('chunked lines');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('\n', '\r\n', '{"a":"é"}', '\n\n')), { maxLength: 30 }), fc.array(fc.nat({ max: 400 }), { maxLength: 10 }), async (parts, cuts) => {
        const text = parts.join('');
        const expected = text.split('\n').map((l) => l.replace(/\r$/, ''));
        if (expected.at(-1) === '') expected.pop();
        const size = Buffer.byteLength(text);
        coverage.note({ 'several chunks': cuts.some((c) => c > 0 && c < size), 'CRLF': text.includes('\r\n'), 'several lines': expected.length > 1 });
        const got = await lines(text, cuts);
        expect(got.map(([, t]) => t)).toEqual(expected);
        expect(got.map(([n]) => n)).toEqual(expected.map((_, i) => i + 1));
      }),
      { numRuns: 500 },
    );
    coverage.expectShares({ 'several chunks': 0.15, CRLF: 0.1, 'several lines': 0.3 }, 500);
  });

  it('drops a UTF-8 byte order mark before the first line only', async () => {
    expect((await lines('\uFEFF{"a":1}\n\uFEFFx\n')).map(([, t]) => t)).toEqual(['{"a":1}', '\uFEFFx']);
  });

  it('reports an over-long line by its number and length and keeps reading the next ones', async () => {
    const long = 'x'.repeat(5000);
    expect(await lines(`a\n${long}\nb`, [10, 100, 2000, 4000], 1000)).toEqual([
      [1, 'a', 1],
      [2, undefined, 5000],
      [3, 'b', 1],
    ]);
  });

  it('reads a file of only newlines as that many blank lines, in constant memory', async () => {
    const got = await lines('\n'.repeat(100_000), [65536]);
    expect(got).toHaveLength(100_000);
    expect(got.every(([, t]) => t === '')).toBe(true);
  });
});
