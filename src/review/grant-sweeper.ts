// Expiring grants (issue 14 §4): learns the time-bound grants merged into the policy branch (from
// merged changes since a cursor, so grants merged while gic was down are found too) and, once a grant
// has expired at the injected clock, opens a change that removes it, linking the change that added it.
// The removal change's Change-Id is derived from the grant, so a second sweep (another replica, a
// restart before the ledger recorded it) finds the change instead of opening another; the ledger then
// records it once. A grant that left the branch before it expired is marked gone.
import { createHash, randomUUID } from 'node:crypto';

import { GerritApiError } from '../gerrit/gerrit-api-error.js';
import type { Logger } from '../log.js';
import type { TimeBoundGrant } from '../store/review-ledger.js';
import { isPolicyFile } from './policy-files.js';
import { gerritTime, parseGerritTime } from './gerrit-time.js';
import { changeRef } from './review-gerrit.js';
import type { ReviewBotDeps } from './review-patch-set.js';
import { grantsInFile, withoutGrant } from './time-bound-grants.js';

export interface SweepResult {
  readonly recorded: number;
  readonly opened: readonly { readonly policy: string; readonly number: number; readonly url: string; readonly reused: boolean }[];
  readonly gone: readonly string[];
}

export interface SweepOptions {
  /** Gerrit's web URL, for links. */
  readonly baseUrl?: string;
  readonly logger?: Logger;
  readonly signal?: AbortSignal;
  /** Identifies this sweeper's claims on grants (default: a random id). */
  readonly sweeper?: string;
}

/** `I` + 40 hex digits, stable for (policy, expiry, project, branch). */
export function removalChangeId(grant: Pick<TimeBoundGrant, 'policy' | 'expires' | 'project' | 'branch'>): string {
  return `I${createHash('sha1').update(`gic-grant-removal\0${grant.policy}\0${new Date(grant.expires).toISOString()}\0${grant.project}\0${grant.branch}`).digest('hex')}`;
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

function commitMessage(grant: TimeBoundGrant, changeId: string, baseUrl: string | undefined): string {
  const [, namespace, name] = grant.policy.split('/');
  const origin = grant.origin === undefined ? 'unknown' : baseUrl !== undefined ? `${baseUrl.replace(/\/+$/, '')}/c/${grant.origin.replace('~', '/+/')}` : grant.origin;
  return [
    `Remove expired grant ${namespace}/${name}`,
    '',
    `The time-bound grant AuthorizationPolicy ${namespace}/${name} (${grant.path}) expired at ${grant.expires}`,
    `(annotation policy.gic/expires). gic opens this change to remove it.`,
    '',
    `Added by: ${origin}`,
    '',
    `Gic-Expired-Grant: ${grant.policy}`,
    `Change-Id: ${changeId}`,
  ].join('\n');
}

async function openRemoval(deps: ReviewBotDeps, grant: TimeBoundGrant, content: string, baseUrl: string | undefined, signal?: AbortSignal): Promise<{ number: number; reused: boolean }> {
  const { gerrit } = deps;
  const options = signal === undefined ? {} : { signal };
  const changeId = removalChangeId(grant);
  let number: number;
  let reused = false;
  try {
    number = (await gerrit.createChange({ project: grant.project, branch: grant.branch, subject: commitMessage(grant, changeId, baseUrl), notify: 'OWNER_REVIEWERS' }, options))._number;
  } catch (error) {
    // 409: a change with this Change-Id exists on the branch (an earlier sweep opened it).
    if (!(GerritApiError.isGerritApiError(error) && error.status === 409)) throw error;
    const existing = await gerrit.queryChanges(`project:${grant.project} branch:${grant.branch} change:${changeId}`, options);
    const first = existing.map((c) => c._number).sort((a, b) => a - b)[0];
    if (first === undefined) throw error;
    number = first;
    reused = true;
  }
  const id = changeRef(grant.project, number);
  try {
    if (content === '') await gerrit.deleteEditFile(id, grant.path, options);
    else await gerrit.putEditFile(id, grant.path, content, options);
    await gerrit.publishEdit(id, 'NONE', options);
  } catch (error) {
    // An earlier sweep got as far as publishing: the change already removes the grant.
    if (!(reused && GerritApiError.isGerritApiError(error) && error.status === 409)) throw error;
  }
  return { number, reused };
}

/** Opens the removal change of every grant expired at the clock (once per grant). */
export async function removeExpiredGrants(deps: ReviewBotDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const { gerrit, copilot } = deps;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const opened: { policy: string; number: number; url: string; reused: boolean }[] = [];
  const gone: string[] = [];
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
    const { number, reused } = await openRemoval(deps, grant, content, options.baseUrl, options.signal);
    const url = options.baseUrl !== undefined ? `${options.baseUrl.replace(/\/+$/, '')}/c/${encodeURIComponent(grant.project)}/+/${number}` : `${grant.project}~${number}`;
    await copilot.store.markGrant(grant.policy, grant.expires, { removal: { number, url } });
    options.logger?.info(`opened the removal of the expired grant ${grant.policy}: ${url}`, { reused });
    opened.push({ policy: grant.policy, number, url, reused });
  }
  return { recorded: 0, opened, gone };
}

/** One sweep: learn merged grants, then remove the expired ones. */
export async function sweepGrants(deps: ReviewBotDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const recorded = await recordMergedGrants(deps, options.signal);
  return { ...(await removeExpiredGrants(deps, options)), recorded };
}
