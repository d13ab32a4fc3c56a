// The part of Gerrit's REST API the review bot uses, as an interface the composition root fills with a
// GerritClient (tests too: the real client against the Gerrit peer). Keeps the bot's modules to the
// endpoints they need and names them in one place.
import type { GerritClient } from '../gerrit/gerrit-client.js';

export type ReviewGerrit = Pick<
  GerritClient,
  'getChange' | 'getServerInfo' | 'listFiles' | 'listTreePaths' | 'getFileContent' | 'getBranchFileContent' | 'setReview' | 'queryChanges' | 'createChange' | 'putEditFile' | 'deleteEditFile' | 'publishEdit' | 'listComments'
>;

/** `project~number`: the change id form the bot uses everywhere. */
export function changeRef(project: string, change: number): string {
  return `${project}~${change}`;
}
