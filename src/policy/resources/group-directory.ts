// The Gerrit group model the engine reads: internal groups with their direct members and direct
// subgroups (by UUID), plus projects' access rules by group UUID. A value built by src/gerrit (live
// REST or a snapshot file) and handed to the analyzers; pure lookups and the recursive, cycle-safe
// member expansion live here. It must not do I/O: src/gerrit fetches, this file only reads values.
import { z } from 'zod';

/** An account as Gerrit names it (any field may be missing for accounts the caller cannot see). */
export const GerritAccountSchema = z.object({
  id: z.number().int().optional(),
  username: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});
export type GerritAccount = z.infer<typeof GerritAccountSchema>;

/** An internal group: direct members and direct subgroups; external/system groups carry only uuid and name. */
export const GerritGroupSchema = z.object({
  uuid: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  /** Owner group name, and its UUID. */
  owner: z.string().optional(),
  ownerUuid: z.string().optional(),
  /** Direct members. */
  members: z.array(GerritAccountSchema).default([]),
  /** UUIDs of direct subgroups (may name groups outside the directory, e.g. external ones). */
  includes: z.array(z.string().min(1)).default([]),
});
export type GerritGroup = z.infer<typeof GerritGroupSchema>;

export const PermissionRuleSchema = z.object({
  action: z.enum(['ALLOW', 'DENY', 'BLOCK', 'INTERACTIVE', 'BATCH']).default('ALLOW'),
  force: z.boolean().optional(),
  min: z.number().int().optional(),
  max: z.number().int().optional(),
});

/** A project and its local access sections: ref pattern -> permission -> group UUID -> rule. */
export const GerritProjectSchema = z.object({
  name: z.string().min(1),
  parent: z.string().optional(),
  description: z.string().optional(),
  access: z.record(z.string(), z.record(z.string(), z.record(z.string(), PermissionRuleSchema))).default({}),
});
export type GerritProject = z.infer<typeof GerritProjectSchema>;

export const GroupDirectorySchema = z.object({
  groups: z.array(GerritGroupSchema),
  projects: z.array(GerritProjectSchema).default([]),
});
export type GroupDirectory = z.infer<typeof GroupDirectorySchema>;

/** Indexed, read-only view of a directory: lookups by UUID or name, recursive members. */
export interface GroupIndex {
  readonly directory: GroupDirectory;
  byUuid(uuid: string): GerritGroup | undefined;
  byName(name: string): GerritGroup | undefined;
  /** By UUID first, then by name. */
  find(nameOrUuid: string): GerritGroup | undefined;
  /** Members through nested subgroups, each account once (by id, else username, else email), sorted. */
  membersOf(uuid: string): readonly GerritAccount[];
  /** All groups reachable through subgroups, the group itself included (cycle-safe). */
  closureOf(uuid: string): readonly string[];
  /** Projects whose access rules name the group. */
  projectsUsing(uuid: string): readonly string[];
}

export function accountKey(account: GerritAccount): string {
  if (account.id !== undefined) return `id:${account.id}`;
  if (account.username !== undefined) return `user:${account.username}`;
  return `email:${account.email ?? account.name ?? ''}`;
}

export function indexGroupDirectory(directory: GroupDirectory): GroupIndex {
  const uuids = new Map<string, GerritGroup>();
  const names = new Map<string, GerritGroup>();
  for (const group of directory.groups) {
    uuids.set(group.uuid, group);
    names.set(group.name, group);
  }
  const closures = new Map<string, readonly string[]>();
  const members = new Map<string, readonly GerritAccount[]>();

  const closureOf = (uuid: string): readonly string[] => {
    const known = closures.get(uuid);
    if (known !== undefined) return known;
    const seen = new Set<string>([uuid]);
    const stack = [uuid];
    while (stack.length > 0) {
      const next = uuids.get(stack.pop() as string);
      for (const child of next?.includes ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          stack.push(child);
        }
      }
    }
    const result = [...seen];
    closures.set(uuid, result);
    return result;
  };

  const membersOf = (uuid: string): readonly GerritAccount[] => {
    const known = members.get(uuid);
    if (known !== undefined) return known;
    const byKey = new Map<string, GerritAccount>();
    for (const reached of closureOf(uuid)) {
      for (const account of uuids.get(reached)?.members ?? []) {
        const key = accountKey(account);
        if (!byKey.has(key)) byKey.set(key, account);
      }
    }
    const result = [...byKey.values()].sort(compareAccounts);
    members.set(uuid, result);
    return result;
  };

  return {
    directory,
    byUuid: (uuid) => uuids.get(uuid),
    byName: (name) => names.get(name),
    find: (nameOrUuid) => uuids.get(nameOrUuid) ?? names.get(nameOrUuid),
    membersOf,
    closureOf,
    projectsUsing: (uuid) =>
      directory.projects
        .filter((p) => Object.values(p.access).some((perms) => Object.values(perms).some((rules) => uuid in rules)))
        .map((p) => p.name)
        .sort(),
  };
}

function compareAccounts(a: GerritAccount, b: GerritAccount): number {
  const ka = a.username ?? a.email ?? a.name ?? '';
  const kb = b.username ?? b.email ?? b.name ?? '';
  return ka < kb ? -1 : ka > kb ? 1 : (a.id ?? 0) - (b.id ?? 0);
}
