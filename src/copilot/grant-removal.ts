// The removal of an expired time-bound grant as a proposal (issue 14 §4): its intent (which grant, when
// it expired, the change that added it, the file and whether the file is deleted), the stable ids
// derived from the grant (the proposal's, and the Change-Id, so a second replica or a restart finds the
// change already opened instead of opening another), and the one-line intent text people read.
import { createHash } from 'node:crypto';

/** The grant being removed, as the review bot's ledger recorded it. */
export interface ExpiredGrant {
  /** `AuthorizationPolicy/<namespace>/<name>`. */
  readonly policy: string;
  /** ISO 8601 UTC. */
  readonly expires: string;
  readonly project: string;
  readonly branch: string;
  /** The repository file holding the grant. */
  readonly path: string;
  /** The merged change that added it (`project~number`), when known. */
  readonly origin?: string;
}

/** What a removal proposal's `intent` holds (the store keeps it as JSON). */
export interface GrantRemovalIntent extends ExpiredGrant {
  readonly kind: 'remove-expired-grant';
  /** `remove the expired grant NS/NAME (expired at T, added by change X)`. */
  readonly text: string;
  /** The link to the change that added the grant, when Gerrit's web URL is known. */
  readonly originUrl?: string;
  /** The grant was the file's only document: the change deletes the file. */
  readonly deleteFile: boolean;
}

/** `namespace/name` of the grant's policy. */
export function grantName(policy: string): string {
  return policy.split('/').slice(1).join('/');
}

/** The link to a `project~number` change on Gerrit's web UI. */
export function originLink(origin: string, baseUrl: string | undefined): string {
  if (baseUrl === undefined || baseUrl === '') return origin;
  const at = origin.lastIndexOf('~');
  return `${baseUrl.replace(/\/+$/, '')}/c/${origin.slice(0, at)}/+/${origin.slice(at + 1)}`;
}

export function grantRemovalIntent(grant: ExpiredGrant, deleteFile: boolean, baseUrl?: string): GrantRemovalIntent {
  const origin = grant.origin === undefined ? 'an unknown change' : `change ${grant.origin}`;
  return {
    kind: 'remove-expired-grant',
    policy: grant.policy,
    expires: grant.expires,
    project: grant.project,
    branch: grant.branch,
    path: grant.path,
    ...(grant.origin !== undefined ? { origin: grant.origin } : {}),
    ...(grant.origin !== undefined && baseUrl !== undefined && baseUrl !== '' ? { originUrl: originLink(grant.origin, baseUrl) } : {}),
    deleteFile,
    text: `remove the expired grant ${grantName(grant.policy)} (expired at ${grant.expires}, added by ${origin})`,
  };
}

export function isGrantRemovalIntent(value: unknown): value is GrantRemovalIntent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v['kind'] === 'remove-expired-grant' && ['policy', 'expires', 'project', 'branch', 'path', 'text'].every((k) => typeof v[k] === 'string') && typeof v['deleteFile'] === 'boolean';
}

/** `I` + 40 hex digits, stable for (policy, expiry, project, branch). */
export function removalChangeId(grant: Pick<ExpiredGrant, 'policy' | 'expires' | 'project' | 'branch'>): string {
  return `I${createHash('sha1').update(`gic-grant-removal\0${grant.policy}\0${new Date(grant.expires).toISOString()}\0${grant.project}\0${grant.branch}`).digest('hex')}`;
}

/**
 * The proposal's id: stable for the grant, the file's new text and the base it was verified against, so
 * a sweep interrupted between recording and submitting finds its proposal again.
 */
export function removalProposalId(grant: ExpiredGrant, content: string, baseVersion: string): string {
  const hash = createHash('sha256').update(`gic-grant-removal\0${grant.policy}\0${new Date(grant.expires).toISOString()}\0${grant.project}\0${grant.branch}\0${grant.path}\0${content}\0${baseVersion}`).digest('hex');
  return `grant-removal-${hash.slice(0, 32)}`;
}
