// Expiring grants (issue 14 §4): learns the time-bound grants merged into the policy branch (from
// merged changes since a cursor, so grants merged while gic was down are found too) and, once a grant
// has expired at the injected clock, removes it through the copilot: a removal proposal verified by the
// engine against the branch's policies (propose-grant-removal.ts: the file without the grant validates,
// the access diff holds only revocations) and its submit (submit-grant-removal.ts: the change with the
// evidence and the original change linked, audited). The Change-Id is derived from the grant, so a
// second sweep (another replica, a restart before the ledger recorded it) finds the change instead of
// opening another; the ledger then records it once. A removal the engine refuses (it would grant
// access) is recorded in the ledger with the reason and left for a person; a grant that left the branch
// before it expired is marked gone.
import { randomUUID } from 'node:crypto';

import { changeWriter } from '../copilot/change-writer.js';
import type { CallContext, CopilotDeps } from '../copilot/deps.js';
import { proposeGrantRemoval } from '../copilot/propose-grant-removal.js';
import { repositoryBaseMesh } from '../copilot/repository-base-mesh.js';
import { submitGrantRemoval } from '../copilot/submit-grant-removal.js';
import { GerritApiError } from '../gerrit/gerrit-api-error.js';
import type { MeshSnapshot } from '../kube/mesh-source.js';
import type { Logger } from '../log.js';
import type { TimeBoundGrant } from '../store/review-ledger.js';
import { loadBranchHeadPolicyFiles } from './branch-head-policy-files.js';
import { isPolicyFile } from './policy-files.js';
import { gerritTime, parseGerritTime } from './gerrit-time.js';
import { changeRef } from './review-gerrit.js';
import type { ReviewBotDeps } from './review-patch-set.js';
import { grantsInFile, withoutGrant } from './time-bound-grants.js';

export { removalChangeId } from '../copilot/grant-removal.js';

export interface SweepResult {
  readonly recorded: number;
  /** Removal changes opened (or found: `reused`), with the removal proposal in the store. */
  readonly opened: readonly { readonly policy: string; readonly number: number; readonly url: string; readonly reused: boolean; readonly proposal: string }[];
  readonly gone: readonly string[];
  /** Removals the engine refused (they would grant access, or not validate): left for a person. */
  readonly refused: readonly { readonly policy: string; readonly proposal: string; readonly reason: string }[];
}

export interface SweepOptions {
  /** Gerrit's web URL, for links. */
  readonly baseUrl?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Identifies this sweeper's claims on grants (default: a random id). */
  readonly sweeper?: string;
}

/** Records the time-bound grants of changes merged since the cursor; returns how many were recorded. */
export async function recordMergedGrants(deps: ReviewBotDeps, signal?: AbortSignal): Promise<number> {
  const { gerrit, settings, copilot } = deps;
  const options = signal === undefined ? {} : { signal };
  const cursorName = `grants:${settings.project}:${settings.branch}`;
  const cursor = await copilot.store.getCursor(cursorName);
  const since = cursor === undefined ? undefined : parseGerritTime(cursor);
  // A minute of overlap: recording a grant again is a no-op.
  const query = `project:${settings.project} branch:${settings.branch} status:merged${since !== undefined ? ` after:"${gerritTime(new Date(since.getTime() - 60_000))}"` : ''}`;
  const changes = await gerrit.queryChanges(query, { ...options, options: ['CURRENT_REVISION'], limit: 500 });
  let recorded = 0;
  let newest = cursor;
  for (const change of [...changes].reverse()) {
    const revision = change.current_revision ?? undefined;
    if (revision === undefined) continue;
    const id = changeRef(change.project, change._number);
    const files = await gerrit.listFiles(id, revision, options);
    for (const [path, info] of Object.entries(files)) {
      if (!isPolicyFile(path, settings.path) || info.status === 'D') continue;
      const text = await gerrit.getFileContent(id, revision, path, options);
      for (const grant of grantsInFile(text)) {
        await copilot.store.recordGrant({ ...grant, project: settings.project, branch: settings.branch, path, origin: id });
        recorded++;
      }
    }
    if (change.updated !== undefined && change.updated !== null && (newest === undefined || change.updated > newest)) newest = change.updated;
  }
  if (newest !== undefined && newest !== cursor) await copilot.store.setCursor(cursorName, newest);
  return recorded;
}

const SWEEP_CONTEXT: CallContext = { actor: 'bot:gic', action: 'review:grant-removal' };

/**
 * The branch's policies with the grant's file as just read standing in for its path, plus the workloads
 * of the configured mesh: what the removal is verified against.
 */
async function branchBase(deps: ReviewBotDeps, grant: TimeBoundGrant, text: string, signal?: AbortSignal): Promise<{ base: MeshSnapshot; origin: string }> {
  const head = await loadBranchHeadPolicyFiles(deps.gerrit, grant.project, grant.branch, deps.settings.path, signal);
  const files = [...head.files.filter((f) => f.file !== grant.path), { file: grant.path, text }];
  const configured = deps.copilot.mesh;
  const base = repositoryBaseMesh(files, configured?.snapshot());
  return { base, origin: `gerrit:${grant.project}/${grant.branch} (the policy files at the branch head, listed from ${head.listedFrom})${configured !== undefined ? ` with the workloads of ${configured.origin}` : ''}` };
}

/**
 * Opens the removal change of every grant expired at the clock (once per grant), through the copilot's
 * removal proposal (verified by the engine, stored) and its submit (audited, the evidence in the commit
 * message). A removal the engine refuses is recorded in the ledger with the reason and left for a person.
 */
export async function removeExpiredGrants(deps: ReviewBotDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const { gerrit } = deps;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  // The removal is written with the bot's own Gerrit account, through the copilot's change writer.
  const copilot: CopilotDeps = { ...deps.copilot, gerrit: changeWriter(gerrit, options.baseUrl ?? '') };
  const ctx = (action: string): CallContext => ({ ...SWEEP_CONTEXT, action, ...signal });
  const opened: SweepResult['opened'][number][] = [];
  const gone: string[] = [];
  const refused: SweepResult['refused'][number][] = [];
  const sweeper = options.sweeper ?? `sweeper-${randomUUID()}`;
  for (const grant of await copilot.store.listExpiredGrants(copilot.clock())) {
    // One sweeper per grant at a time (another replica, an overlapping sweep): Gerrit would take two changes.
    if (!(await copilot.store.claimGrant(grant.policy, grant.expires, sweeper, 120_000))) continue;
    let text: string;
    try {
      text = await gerrit.getBranchFileContent(grant.project, grant.branch, grant.path, signal);
    } catch (error) {
      if (!(GerritApiError.isGerritApiError(error) && error.status === 404)) throw error;
      text = '';
    }
    const content = withoutGrant(text, grant);
    if (content === undefined) {
      await copilot.store.markGrant(grant.policy, grant.expires, { gone: true });
      gone.push(grant.policy);
      continue;
    }
    const { base, origin } = await branchBase(deps, grant, text, options.signal);
    const proposal = await proposeGrantRemoval(copilot, { grant, before: text, after: content, base, baseOrigin: origin, ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}) }, ctx('review:propose-grant-removal'));
    if (!proposal.verified) {
      const reason = proposal.blockers.join('; ');
      await copilot.store.markGrant(grant.policy, grant.expires, { refused: reason });
      options.logger?.warn(`left the expired grant ${grant.policy} for a person: gic refused to remove it (${reason})`, { proposal: proposal.proposal });
      refused.push({ policy: grant.policy, proposal: proposal.proposal, reason });
      continue;
    }
    const submitted = await submitGrantRemoval(copilot, { proposal: proposal.proposal }, ctx('review:submit-grant-removal'));
    const { number, url } = submitted.change;
    const reused = submitted.reused || submitted.alreadySubmitted;
    await copilot.store.markGrant(grant.policy, grant.expires, { removal: { number, url } });
    options.logger?.info(`opened the removal of the expired grant ${grant.policy}: ${url}`, { reused, proposal: proposal.proposal });
    opened.push({ policy: grant.policy, number, url, reused, proposal: proposal.proposal });
  }
  return { recorded: 0, opened, gone, refused };
}

/** One sweep: learn merged grants, then remove the expired ones. */
export async function sweepGrants(deps: ReviewBotDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const recorded = await recordMergedGrants(deps, options.signal);
  return { ...(await removeExpiredGrants(deps, options)), recorded };
}
