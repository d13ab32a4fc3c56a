// `gic doctor`'s data-directory check: the store's directory can be written (a probe file is created and
// removed), or, when it does not exist yet, its nearest existing parent can be (gic creates it on first use).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { DoctorCheck } from './doctor-check.js';

/** Creates and removes a probe directory in `dir` (permission bits alone do not tell: root, read-only mounts); the problem, if any. */
async function probeWrite(dir: string): Promise<string | undefined> {
  try {
    const probe = await mkdtemp(join(dir, '.gic-doctor-'));
    await rm(probe, { recursive: true, force: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function dataDirCheck(dir: string | undefined): DoctorCheck {
  return {
    name: 'data-dir',
    async run() {
      if (dir === undefined) return { ok: false, detail: 'no data directory: set --data-dir or GIC_DATA_DIR (or HOME, for the default)' };
      const info = await stat(dir).catch(() => undefined);
      if (info !== undefined) {
        if (!info.isDirectory()) return { ok: false, detail: `${dir} is not a directory` };
        const problem = await probeWrite(dir);
        return problem === undefined ? { ok: true, detail: `${dir} is writable` } : { ok: false, detail: `${dir} is not writable: ${problem}` };
      }
      let parent = dirname(dir);
      while ((await stat(parent).catch(() => undefined)) === undefined && dirname(parent) !== parent) parent = dirname(parent);
      if ((await probeWrite(parent)) !== undefined) return { ok: false, detail: `${dir} does not exist and ${parent} is not writable, so it cannot be created` };
      return { ok: true, detail: `${dir} does not exist yet; it will be created under ${parent}` };
    },
  };
}
