// The polling fallback (issue 14 §1): asks Gerrit for the open changes of the policy repository updated
// since a cursor kept in the store, and queues each one's current patch set in the ledger (a patch set
// already there is a no-op), so patch sets whose webhook was lost while gic was down are reviewed when
// it is back. The cursor moves only after the queueing succeeded; the query overlaps it by a minute.
import { gerritTime, parseGerritTime } from './gerrit-time.js';
import type { ReviewBotDeps } from './review-patch-set.js';

export interface PollResult {
  readonly seen: number;
  readonly queued: number;
}

export async function pollChanges(deps: Pick<ReviewBotDeps, 'copilot' | 'gerrit' | 'settings'>, signal?: AbortSignal): Promise<PollResult> {
  const { gerrit, settings, copilot } = deps;
  const cursorName = `poll:${settings.project}:${settings.branch}`;
  const cursor = await copilot.store.getCursor(cursorName);
  const since = cursor === undefined ? undefined : parseGerritTime(cursor);
  const query = `project:${settings.project} branch:${settings.branch} status:open${since !== undefined ? ` after:"${gerritTime(new Date(since.getTime() - 60_000))}"` : ''}`;
  const changes = await gerrit.queryChanges(query, { ...(signal !== undefined ? { signal } : {}), options: ['CURRENT_REVISION'], limit: 500 });
  let queued = 0;
  let newest = cursor;
  for (const change of changes) {
    const revision = change.current_revision ?? undefined;
    const patchset = revision === undefined ? undefined : change.revisions?.[revision]?._number;
    if (revision === undefined || patchset === undefined || patchset === null) continue;
    if (await copilot.store.enqueueReview({ project: change.project, change: change._number, patchset, revision, source: 'poll' })) queued++;
    if (change.updated !== undefined && change.updated !== null && (newest === undefined || change.updated > newest)) newest = change.updated;
  }
  if (newest !== undefined && newest !== cursor) await copilot.store.setCursor(cursorName, newest);
  return { seen: changes.length, queued };
}
