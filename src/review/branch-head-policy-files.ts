// The policy files at the head of a branch, for verifying the removal of an expired grant against the
// branch's policies. Gerrit's REST API lists a tree only through a change (`files/?q=DIR/`), so the
// paths come from the tree of the branch's most recently merged change, and each file's text from the
// branch head (`projects/P/branches/B/files/F/content`; a path deleted since is dropped). A file another
// change added to the branch at the same moment (merged after that change was last updated) is not
// seen. A Gerrit failure propagates: the sweeper tries again at its next tick and writes nothing.
import { AppError } from '../errors.js';
import { GerritApiError } from '../gerrit/gerrit-api-error.js';
import type { MeshInputSource } from '../policy/validate/read-mesh-input.js';
import { isPolicyFile } from './policy-files.js';
import { changeRef, type ReviewGerrit } from './review-gerrit.js';

export interface BranchHeadPolicyFiles {
  readonly files: readonly MeshInputSource[];
  /** The merged change whose tree named the paths (`project~number`). */
  readonly listedFrom: string;
}

export async function loadBranchHeadPolicyFiles(gerrit: ReviewGerrit, project: string, branch: string, dir: string, signal?: AbortSignal): Promise<BranchHeadPolicyFiles> {
  const options = signal === undefined ? {} : { signal };
  const [latest] = await gerrit.queryChanges(`project:${project} branch:${branch} status:merged`, { ...options, options: ['CURRENT_REVISION'], limit: 1 });
  const revision = latest?.current_revision ?? undefined;
  if (latest === undefined || revision === undefined) throw new AppError('not-found', `no merged change on ${project} (${branch}) to list the branch's policy files from`, { details: { project, branch } });
  const listedFrom = changeRef(project, latest._number);
  const paths = (await gerrit.listTreePaths(listedFrom, revision, `${dir.replace(/\/+$/, '')}/`, options)).filter((p) => isPolicyFile(p, dir)).sort();
  const files: MeshInputSource[] = [];
  for (const path of paths) {
    try {
      files.push({ file: path, text: await gerrit.getBranchFileContent(project, branch, path, options) });
    } catch (error) {
      if (!(GerritApiError.isGerritApiError(error) && error.status === 404)) throw error;
    }
  }
  return { files, listedFrom };
}
