// Where gic reads Gerrit groups from: the live REST API or a snapshot file, behind one interface, so
// group resolution, the analyzers and `gic groups` never know which. Implementations return the pure
// model of src/policy/resources/group-directory.ts.
import type { GerritGroup, GerritProject } from '../policy/resources/group-directory.js';

export interface GroupSourceCallOptions {
  readonly signal?: AbortSignal;
}

export interface GroupSource {
  /** `live` (Gerrit REST) or `snapshot` (a file). */
  readonly kind: 'live' | 'snapshot';
  /** Human-readable origin: the base URL or the snapshot path. */
  readonly origin: string;
  /** Internal groups (direct members and subgroups may be empty: use getGroup or listGroupsWithMembers). */
  listGroups(options?: GroupSourceCallOptions & { readonly match?: string }): Promise<GerritGroup[]>;
  /** Every internal group with its direct members and subgroups, in as few calls as the source allows. */
  listGroupsWithMembers(options?: GroupSourceCallOptions): Promise<GerritGroup[]>;
  /** One group with direct members and subgroups, by UUID or name; undefined when it does not exist. */
  getGroup(nameOrUuid: string, options?: GroupSourceCallOptions): Promise<GerritGroup | undefined>;
  /** Projects with their local access rules (by group UUID). */
  listProjects(options?: GroupSourceCallOptions): Promise<GerritProject[]>;
}

/** Internal group UUIDs are 40 hex digits; others (`global:`, `ldap:`, `user:`) have no stored members. */
export function isInternalGroupUuid(uuid: string): boolean {
  return /^[0-9a-f]{40}$/.test(uuid);
}
