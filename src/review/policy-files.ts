// Which files of a patch set the bot reviews, and their text before and after: files under the policy
// directory ending .yaml or .yml (a rename out of or into it counts on the side it is in). Added files
// have no "before", deleted ones no "after"; the "before" is the patch set's parent (the target branch
// as the change was based on it). Reads Gerrit only; a failure propagates (the worker retries).
import type { PolicyFileChange } from '../copilot/review-change.js';
import type { ReviewGerrit } from './review-gerrit.js';

/** A repository path under `dir` (no leading slash) with a YAML extension. */
export function isPolicyFile(path: string, dir: string): boolean {
  return path.startsWith(`${dir.replace(/\/+$/, '')}/`) && /\.ya?ml$/i.test(path);
}

export async function loadPolicyFiles(gerrit: ReviewGerrit, id: string, revision: string, dir: string, signal?: AbortSignal): Promise<PolicyFileChange[]> {
  const options = signal === undefined ? {} : { signal };
  const files = await gerrit.listFiles(id, revision, options);
  const out: PolicyFileChange[] = [];
  for (const [path, info] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    if (path.startsWith('/')) continue; // /COMMIT_MSG, /MERGE_LIST
    const oldPath = info.old_path ?? undefined;
    const status = info.status ?? 'M';
    const afterIn = isPolicyFile(path, dir) && status !== 'D';
    const beforePath = status === 'A' ? undefined : (oldPath ?? path);
    const beforeIn = beforePath !== undefined && isPolicyFile(beforePath, dir) && status !== 'C';
    if (!afterIn && !beforeIn) continue;
    const after = afterIn ? await gerrit.getFileContent(id, revision, path, options) : undefined;
    const before = beforeIn ? await gerrit.getFileContent(id, revision, beforePath, { ...options, parent: 1 }) : undefined;
    if (oldPath !== undefined && oldPath !== path && beforeIn) {
      // A rename: the old path leaves, the new one arrives.
      out.push({ path: oldPath, ...(before !== undefined ? { before } : {}) });
      if (after !== undefined) out.push({ path, after });
      continue;
    }
    out.push({ path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
  }
  return out;
}
