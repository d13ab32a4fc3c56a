// readSources: files and directories (recursive, *.yaml/*.yml/*.json only, hidden entries skipped),
// deterministic order, duplicates read once; unreadable input is an `input-unreadable` AppError.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readSources, readText } from '../../src/cli/read-sources.js';
import { AppError } from '../../src/errors.js';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gic-read-sources-'));
  for (const [path, text] of [
    ['b.yaml', 'b'],
    ['a.yml', 'a'],
    ['C.json', 'c'],
    ['notes.txt', 'ignored'],
    ['sub/z.yaml', 'z'],
    ['sub/deeper/y.YAML', 'y'],
    ['.hidden/h.yaml', 'hidden'],
    ['aa/x.yaml', 'x'],
  ] as const) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readSources', () => {
  it('reads a directory recursively in code-unit name order, mesh extensions only', async () => {
    const sources = await readSources([dir]);
    expect(sources.map((s) => s.file.slice(dir.length + 1))).toEqual(['C.json', 'a.yml', 'aa/x.yaml', 'b.yaml', 'sub/deeper/y.YAML', 'sub/z.yaml']);
    expect(sources.map((s) => s.text)).toEqual(['c', 'a', 'x', 'b', 'y', 'z']);
  });

  it('reads an explicit file whatever its extension, in argument order, once', async () => {
    const notes = join(dir, 'notes.txt');
    const b = join(dir, 'b.yaml');
    const sources = await readSources([notes, b, b]);
    expect(sources).toEqual([
      { file: notes, text: 'ignored' },
      { file: b, text: 'b' },
    ]);
  });

  it('fails with input-unreadable naming the path and reason', async () => {
    const missing = join(dir, 'missing.yaml');
    const error: unknown = await readSources([join(dir, 'b.yaml'), missing]).catch((e: unknown) => e);
    expect(AppError.isInstance(error)).toBe(true);
    expect((error as AppError).code).toBe('input-unreadable');
    expect((error as AppError).message).toBe(`cannot read ${missing}: no such file or directory`);
    const text: unknown = await readText(dir).catch((e: unknown) => e);
    expect((text as AppError).code).toBe('input-unreadable');
    expect((text as AppError).message).toContain('is a directory');
  });
});
