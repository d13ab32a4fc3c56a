// Opening (or completing) a Gerrit change for review with one file written or deleted: the write every
// gic submission shares (`submit`, the removal of an expired grant). The Change-Id in the message is
// derived from what is submitted, so writing again finds the change an earlier attempt opened (Gerrit
// answers 409 for a second change with that Change-Id on the branch) and completes it: the file written
// into a change edit and the edit published; an edit that changes nothing on a reused change (an
// earlier attempt got that far) is not an error.
import { GerritApiError } from '../gerrit/gerrit-api-error.js';
import type { ChangeWriter } from './deps.js';

export interface ReviewChangeWrite {
  readonly project: string;
  readonly branch: string;
  /** The whole commit message, ending with its `Change-Id:` footer. */
  readonly message: string;
  readonly changeId: string;
  /** Repository path of the file. */
  readonly path: string;
  /** The file's new text; undefined deletes the file. */
  readonly content: string | undefined;
}

export interface WrittenChange {
  readonly number: number;
  /** An earlier attempt had opened the change. */
  readonly reused: boolean;
}

function isConflict(error: unknown): boolean {
  return GerritApiError.isGerritApiError(error) && error.status === 409;
}

export async function writeReviewChange(gerrit: ChangeWriter, write: ReviewChangeWrite, signal: AbortSignal | undefined): Promise<WrittenChange> {
  const options = signal === undefined ? {} : { signal };
  let number: number;
  let reused = false;
  try {
    number = (await gerrit.createChange({ project: write.project, branch: write.branch, subject: write.message, notify: 'OWNER_REVIEWERS' }, options))._number;
  } catch (error) {
    // 409 "A change with Change-Id ... already exists for this branch": an earlier attempt opened it.
    if (!isConflict(error)) throw error;
    number = (await gerrit.getChange(`${write.project}~${write.branch}~${write.changeId}`, options))._number;
    reused = true;
  }
  const id = `${write.project}~${number}`;
  try {
    if (write.content === undefined) await gerrit.deleteEditFile(id, write.path, options);
    else await gerrit.putEditFile(id, write.path, write.content.endsWith('\n') || write.content === '' ? write.content : `${write.content}\n`, options);
    await gerrit.publishEdit(id, 'NONE', options);
  } catch (error) {
    // The change already has this content (an earlier attempt published it): nothing to publish.
    if (!(reused && isConflict(error))) throw error;
  }
  return { number, reused };
}
