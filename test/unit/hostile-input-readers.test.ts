// Every reader of outside input (issue 10 §2) fed arbitrary bytes, nesting and sizes: mesh files
// (readMeshInput), request JSON (readRequestText), JSON Lines (splitChunks), intent files
// (parseJson and the intent schema) and the config file (loadConfig). Each must finish in bounded time, never throw
// anything but the typed error it documents, and point its errors at lines that exist. The CLI test at
// the end streams 64 MB of newlines through `gic check --requests` under a 96 MB heap cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { splitChunks } from '../../src/cli/read-lines.js';
import { loadConfig } from '../../src/config/load-config.js';
import { AppError } from '../../src/errors.js';
import { parseJson } from '../../src/cli/read-request.js';
import { IntentSchema } from '../../src/policy/compile/intent.js';
import { readRequestText } from '../../src/policy/request/read-request-text.js';
import { readMeshInput } from '../../src/policy/validate/read-mesh-input.js';
import { runGic } from '../cli/run-gic.js';

/** Runs `fn` and fails when it takes longer than `ms` (a hang or a blow-up on hostile input, not a benchmark). */
function bounded<T>(ms: number, fn: () => T): T {
  const started = performance.now();
  const result = fn();
  expect(performance.now() - started).toBeLessThan(ms);
  return result;
}

const decoded = fc.uint8Array({ maxLength: 3000 }).map((bytes) => new TextDecoder().decode(bytes));
const nesting = fc.tuple(fc.constantFrom('[', '{"a":', '- ', '  - '), fc.integer({ min: 1, max: 20_000 })).map(([open, depth]) => open.repeat(depth));
const kubeish = fc
  .record({ apiVersion: fc.constantFrom('v1', 'apps/v1', 'security.istio.io/v1', 'app/v1', 'x.io/v1', 7), kind: fc.constantFrom('Deployment', 'Service', 'AuthorizationPolicy', 'Namespace', 'Deploymnet', 'Pod', true), metadata: fc.jsonValue({ maxDepth: 3 }), spec: fc.jsonValue({ maxDepth: 5 }) }, { requiredKeys: [] })
  .map((doc) => JSON.stringify(doc));
const anyText = fc.oneof(decoded, nesting, kubeish, fc.string({ unit: 'binary', maxLength: 2000 }));

function lines(text: string): number {
  return text.split('\n').length;
}

describe('hostile input to every reader', () => {
  it('mesh files: readMeshInput never throws and points every input error at an existing line', () => {
    fc.assert(
      fc.property(fc.array(anyText, { minLength: 1, maxLength: 3 }), (texts) => {
        const sources = texts.map((text, i) => ({ file: `f${i}.${i % 2 === 0 ? 'yaml' : 'json'}`, text }));
        const input = bounded(5000, () => readMeshInput(sources));
        for (const e of input.inputErrors) {
          const source = sources.find((s) => s.file === e.file);
          expect(source, e.file).toBeDefined();
          expect(e.line >= 1 && e.line <= lines(source!.text)).toBe(true);
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('mesh files: a file over the size limit is one input error, not parsed', () => {
    const input = bounded(5000, () => readMeshInput([{ file: 'huge.yaml', text: 'a: b\n'.repeat(7_000_000) }]));
    expect(input.inputErrors.map((e) => e.rule)).toEqual(['yaml.limit.size']);
  });

  it('request JSON: readRequestText answers any text, nesting or size with a request or problems', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, nesting.map((open) => `{"to":{"namespace":"a"},"jwt":{"claims":{"x":${open}`)), (text) => {
        const reading = bounded(2000, () => readRequestText(text));
        if (!reading.ok) expect(reading.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
    const big = `{"to":{"namespace":"a"},"path":"/${'x'.repeat(900_000)}"}`;
    expect(bounded(2000, () => readRequestText(big)).ok).toBe(true);
  });

  it('JSON Lines: splitChunks turns any bytes into numbered lines, capping line length', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 300 }), async (bytes, max) => {
        let count = 0;
        let last = 0;
        async function* one(): AsyncGenerator<Buffer> {
          yield Buffer.from(bytes);
        }
        await splitChunks(one(), max, (n, text, length) => {
          expect(n).toBe(last + 1);
          last = n;
          count++;
          if (text === undefined) expect(length).toBeGreaterThan(max);
          else expect(Buffer.byteLength(text)).toBeLessThanOrEqual(max * 3);
        }, async () => undefined);
        const newlines = bytes.filter((b) => b === 0x0a).length;
        expect(count === newlines || count === newlines + 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('intent files: the intent reader answers any text or nesting with an intent or a bad request', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        bounded(2000, () => {
          try {
            IntentSchema.safeParse(parseJson(text, 'intent file x.json'));
          } catch (error) {
            expect(AppError.isInstance(error) && error.code === 'bad-request', String(error)).toBe(true);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('config: loadConfig answers any file text with a config or a usage error, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, fc.constant(`a: &a [${'*a,'.repeat(50)}]\nb: &b [${'*a,'.repeat(200)}]`)), async (text) => {
        const started = performance.now();
        try {
          await loadConfig({ flags: { config: 'gic.yaml' }, env: {}, readFile: () => Promise.resolve(text) });
        } catch (error) {
          expect(AppError.isInstance(error), String(error)).toBe(true);
          expect((error as AppError).code).toBe('usage');
        }
        expect(performance.now() - started).toBeLessThan(3000);
      }),
      { numRuns: 300 },
    );
  });

  it('gic check --requests streams 64 MB of newlines in constant memory (96 MB heap cap)', async () => {
    const run = await runGic(['check', '--mesh', 'test/cli/fixtures/mesh', '--requests', '-', '-o', 'jsonl'], {
      stdin: '\n'.repeat(64 * 1024 * 1024),
      env: { NODE_OPTIONS: '--max-old-space-size=96' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  }, 120_000);
});
