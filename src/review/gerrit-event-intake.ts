// Intake of Gerrit events (webhook bodies, already parsed by src/gerrit/gerrit-events.ts): decides what
// an event means for the bot and records it durably before the webhook is answered. A new patch set or
// a restored change of the policy repository queues its patch set in the ledger (once: a re-delivery is
// a no-op); a merged change wakes the grant sweeper; a comment by someone else makes the bot look for
// `@gic` commands; comments by gic's own account are ignored, so it never reacts to itself; everything
// else is ignored with the reason. The payload is untrusted: it only
// names a patch set, and the worker reads everything it reviews from Gerrit's REST API.
import type { GerritEvent } from '../gerrit/gerrit-events.js';
import type { ReviewLedger, ReviewSource } from '../store/review-ledger.js';
import type { ReviewBotSettings } from './review-settings.js';

export type IntakeResult =
  | { readonly action: 'queued' | 'duplicate'; readonly project: string; readonly change: number; readonly patchset: number }
  | { readonly action: 'merged' | 'comments'; readonly project: string; readonly change: number }
  | { readonly action: 'ignored'; readonly reason: string };

export async function intakeEvent(event: GerritEvent, ledger: Pick<ReviewLedger, 'enqueueReview'>, settings: Pick<ReviewBotSettings, 'project' | 'branch' | 'account'>, source: ReviewSource = 'webhook'): Promise<IntakeResult> {
  if (event.type === 'ref-updated') return { action: 'ignored', reason: 'ref-updated events are not reviewed' };
  const change = event.change;
  if (change.project !== settings.project || change.branch !== settings.branch) {
    return { action: 'ignored', reason: `not the policy repository (${change.project} ${change.branch}; watching ${settings.project} ${settings.branch})` };
  }
  switch (event.type) {
    case 'patchset-created':
    case 'change-restored': {
      const key = { project: change.project, change: change.number, patchset: event.patchSet.number };
      const inserted = await ledger.enqueueReview({ ...key, revision: event.patchSet.revision, source });
      return { action: inserted ? 'queued' : 'duplicate', ...key };
    }
    case 'change-merged':
      return { action: 'merged', project: change.project, change: change.number };
    case 'comment-added': {
      const author = event.author?.username ?? undefined;
      if (settings.account !== undefined && author === settings.account) return { action: 'ignored', reason: 'a comment by gic itself' };
      // The comments themselves (and any `@gic` command in them) are read from the REST API.
      return { action: 'comments', project: change.project, change: change.number };
    }
  }
}
