// The target branch's policy files for a review against the repository (`review.base: repository`):
// every .yaml/.yml file under the policy directory in the tree the patch set is based on (its parent:
// the branch as the change saw it), read through Gerrit's REST API. The revision's tree is listed
// (`files/?q=DIR/`), the paths the patch set adds are dropped and the ones it deletes or renames away
// are put back, then each file is read at parent 1. A Gerrit failure propagates: the worker retries and
// never votes on a base it could not read.
import type { MeshInputSource } from '../policy/validate/read-mesh-input.js';
import { isPolicyFile } from './policy-files.js';
import type { ReviewGerrit } from './review-gerrit.js';

export async function loadBranchPolicyFiles(gerrit: ReviewGerrit, id: string, revision: string, dir: string, signal?: AbortSignal): Promise<MeshInputSource[]> {
  const options = signal === undefined ? {} : { signal };
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const [tree, changed] = await Promise.all([gerrit.listTreePaths(id, revision, prefix, options), gerrit.listFiles(id, revision, options)]);
  const paths = new Set(tree.filter((p) => isPolicyFile(p, dir)));
  for (const [path, info] of Object.entries(changed)) {
    const status = info.status ?? 'M';
    if (status === 'A' || status === 'R' || status === 'C') paths.delete(path);
    if (status === 'D' && isPolicyFile(path, dir)) paths.add(path);
    if (status === 'R' && info.old_path !== undefined && info.old_path !== null && isPolicyFile(info.old_path, dir)) paths.add(info.old_path);
  }
  const out: MeshInputSource[] = [];
  for (const path of [...paths].sort()) out.push({ file: path, text: await gerrit.getFileContent(id, revision, path, { ...options, parent: 1 }) });
  return out;
}
