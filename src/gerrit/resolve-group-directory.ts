// Group resolution for the rest of gic: from root groups (by name or UUID) to a GroupDirectory holding
// every group reachable through subgroups, fetched once each (cache per run, dedup by UUID), cycle-safe,
// with at most `concurrency` requests in flight so Gerrit is never flooded. Recursive members are then
// computed from the directory (src/policy/resources/group-directory.ts `indexGroupDirectory`).
import type { GerritGroup, GroupDirectory } from '../policy/resources/group-directory.js';
import { createConcurrencyLimiter } from './concurrency-limiter.js';
import { isInternalGroupUuid, type GroupSource } from './group-source.js';

export interface ResolveGroupsOptions {
  /** Requests in flight at most; default 8. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Also read projects' access rules (one request per project on a live source). */
  readonly withProjects?: boolean;
}

export interface ResolvedGroups {
  readonly directory: GroupDirectory;
  /** Roots (names or UUIDs) that name no group. */
  readonly missing: readonly string[];
  /** Group fetches made (one per distinct group). */
  readonly fetches: number;
  /** Highest number of fetches in flight at once. */
  readonly peakConcurrency: number;
}

/** Resolves the roots and everything they include, fetching each group once. */
export async function resolveGroups(source: GroupSource, roots: readonly string[], options: ResolveGroupsOptions = {}): Promise<ResolvedGroups> {
  const limiter = createConcurrencyLimiter(options.concurrency ?? 8);
  const abort = new AbortController();
  const signal = options.signal === undefined ? abort.signal : AbortSignal.any([options.signal, abort.signal]);
  const groups = new Map<string, GerritGroup>();
  const requested = new Set<string>();
  const missing: string[] = [];
  const pending = new Set<Promise<void>>();
  let fetches = 0;

  const visit = (ref: string, isRoot: boolean): void => {
    if (requested.has(ref) || groups.has(ref)) return;
    requested.add(ref);
    // Subgroups that are not internal (system, LDAP, single-user) have no members Gerrit can list.
    if (!isRoot && !isInternalGroupUuid(ref)) return;
    const task = limiter
      .run(async () => {
        signal.throwIfAborted();
        fetches++;
        return source.getGroup(ref, { signal });
      })
      .then((group) => {
        if (group === undefined) {
          if (isRoot) missing.push(ref);
          return;
        }
        if (groups.has(group.uuid)) return; // a root named by name and by UUID
        groups.set(group.uuid, group);
        requested.add(group.uuid);
        for (const child of group.includes) visit(child, false);
      });
    pending.add(task);
    void task.then(
      () => pending.delete(task),
      () => pending.delete(task),
    );
  };

  for (const root of roots) visit(root, true);
  try {
    while (pending.size > 0) await Promise.all([...pending]);
  } catch (error) {
    abort.abort(error);
    throw error;
  }
  const projects = options.withProjects === true ? await source.listProjects({ signal }) : [];
  return {
    directory: { groups: [...groups.values()].sort(byName), projects },
    missing: [...new Set(missing)].sort(),
    fetches,
    peakConcurrency: limiter.peak,
  };
}

/** The whole directory: one bulk listing with members and subgroups (plus projects when asked). */
export async function resolveAllGroups(source: GroupSource, options: ResolveGroupsOptions = {}): Promise<GroupDirectory> {
  const groups = await source.listGroupsWithMembers({ signal: options.signal });
  const projects = options.withProjects === true ? await source.listProjects({ signal: options.signal }) : [];
  return { groups: [...groups].sort(byName), projects };
}

function byName(a: GerritGroup, b: GerritGroup): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
