import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dataDirCheck } from './data-dir-check.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gic-doctor-'));
});
afterAll(async () => {
  await chmod(join(root, 'locked'), 0o700).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

const run = (dir: string | undefined) => dataDirCheck(dir).run(new AbortController().signal);

describe('dataDirCheck', () => {
  it('passes for a writable directory and one that can be created, leaving nothing behind', async () => {
    await mkdir(join(root, 'state'));
    expect(await run(join(root, 'state'))).toEqual({ ok: true, detail: `${join(root, 'state')} is writable` });
    expect(await run(join(root, 'new', 'gic'))).toEqual({ ok: true, detail: `${join(root, 'new', 'gic')} does not exist yet; it will be created under ${root}` });
    expect(await run(undefined)).toMatchObject({ ok: false, detail: expect.stringContaining('--data-dir') });
  });

  it('fails for a file and for a directory it cannot write', async () => {
    await writeFile(join(root, 'file'), 'x');
    expect(await run(join(root, 'file'))).toEqual({ ok: false, detail: `${join(root, 'file')} is not a directory` });
    await mkdir(join(root, 'locked'));
    await chmod(join(root, 'locked'), 0o500);
    const locked = await run(join(root, 'locked'));
    // root ignores permission bits (then the directory is writable); /proc is not writable even for root.
    if (process.getuid?.() === 0) expect(locked.ok).toBe(true);
    else expect(locked).toMatchObject({ ok: false, detail: expect.stringContaining('is not writable') });
    expect(await run('/proc')).toMatchObject({ ok: false, detail: expect.stringContaining('/proc is not writable') });
    expect(await run('/proc/gic-state/gic')).toEqual({ ok: false, detail: '/proc/gic-state/gic does not exist and /proc is not writable, so it cannot be created' });
  });
});
