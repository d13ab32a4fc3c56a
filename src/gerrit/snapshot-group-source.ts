// GroupSource over a Gerrit snapshot on disk (the embedded default; examples/demo-gerrit/): YAML or
// JSON files listing accounts, groups (members by username/email/id, subgroups by name or UUID) and
// projects (access rules by group name or UUID). Loading validates everything with zod and turns it
// into the pure group model; it must not talk to a network.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { type Node, parseAllDocuments } from 'yaml';
import { z } from 'zod';

import { AppError } from '../errors.js';
import { expandedNodeCount } from '../policy/parse/alias-expansion.js';
import {
  GroupDirectorySchema,
  PermissionRuleSchema,
  type GerritAccount,
  type GerritGroup,
  type GerritProject,
  type GroupDirectory,
} from '../policy/resources/group-directory.js';
import type { GroupSource, GroupSourceCallOptions } from './group-source.js';

export const SnapshotAccountSchema = z.strictObject({
  id: z.number().int(),
  username: z.string().min(1),
  email: z.string().optional(),
  name: z.string().optional(),
});

export const SnapshotGroupSchema = z.strictObject({
  name: z.string().min(1),
  uuid: z.string().min(1),
  description: z.string().optional(),
  /** Owner group by name or UUID; default: the group owns itself. */
  owner: z.string().optional(),
  /** Accounts by username, email or numeric id. */
  members: z.array(z.union([z.string(), z.number().int()])).default([]),
  /** Subgroups by name or UUID (UUIDs of external groups are kept as they are). */
  includes: z.array(z.string()).default([]),
});

export const SnapshotProjectSchema = z.strictObject({
  name: z.string().min(1),
  parent: z.string().optional(),
  description: z.string().optional(),
  /** ref pattern -> permission -> group name or UUID -> rule */
  access: z.record(z.string(), z.record(z.string(), z.record(z.string(), PermissionRuleSchema))).default({}),
});

export const GerritSnapshotFileSchema = z.strictObject({
  accounts: z.array(SnapshotAccountSchema).default([]),
  groups: z.array(SnapshotGroupSchema).default([]),
  projects: z.array(SnapshotProjectSchema).default([]),
});
export type GerritSnapshotFile = z.infer<typeof GerritSnapshotFileSchema>;

/** Turns snapshot files (already parsed) into a directory; throws AppError on dangling references. */
export function snapshotToDirectory(files: readonly { file: string; content: GerritSnapshotFile }[]): GroupDirectory {
  const accounts = files.flatMap((f) => f.content.accounts);
  const groups = files.flatMap((f) => f.content.groups);
  const projects = files.flatMap((f) => f.content.projects);
  const accountBy = new Map<string, GerritAccount>();
  for (const a of accounts) {
    const account: GerritAccount = { id: a.id, username: a.username, ...(a.email === undefined ? {} : { email: a.email }), ...(a.name === undefined ? {} : { name: a.name }) };
    for (const key of [String(a.id), a.username, a.email]) if (key !== undefined) accountBy.set(key, account);
  }
  const byName = new Map(groups.map((g) => [g.name, g]));
  const byUuid = new Map(groups.map((g) => [g.uuid, g]));
  const uuidOf = (ref: string, where: string, allowExternal: boolean): string => {
    const found = byUuid.get(ref) ?? byName.get(ref);
    if (found !== undefined) return found.uuid;
    if (allowExternal && /^[a-z]+:/.test(ref)) return ref;
    throw new AppError('bad-request', `Gerrit snapshot: ${where} names unknown group "${ref}"`);
  };
  const directoryGroups: GerritGroup[] = groups.map((g) => {
    const owner = g.owner === undefined ? g : (byUuid.get(g.owner) ?? byName.get(g.owner));
    if (owner === undefined) throw new AppError('bad-request', `Gerrit snapshot: group "${g.name}" has unknown owner "${g.owner ?? ''}"`);
    return {
      uuid: g.uuid,
      name: g.name,
      ...(g.description === undefined ? {} : { description: g.description }),
      owner: owner.name,
      ownerUuid: owner.uuid,
      members: g.members.map((m) => {
        const account = accountBy.get(String(m));
        if (account === undefined) throw new AppError('bad-request', `Gerrit snapshot: group "${g.name}" has unknown member "${m}"`);
        return account;
      }),
      includes: g.includes.map((ref) => uuidOf(ref, `group "${g.name}"`, true)),
    };
  });
  const directoryProjects: GerritProject[] = projects.map((p) => {
    const access: GerritProject['access'] = {};
    for (const [ref, permissions] of Object.entries(p.access)) {
      access[ref] = {};
      for (const [permission, rules] of Object.entries(permissions)) {
        const byGroup: Record<string, z.infer<typeof PermissionRuleSchema>> = {};
        for (const [group, rule] of Object.entries(rules)) byGroup[uuidOf(group, `project "${p.name}" ${ref} ${permission}`, true)] = rule;
        access[ref][permission] = byGroup;
      }
    }
    return { name: p.name, ...(p.parent === undefined ? {} : { parent: p.parent }), ...(p.description === undefined ? {} : { description: p.description }), access };
  });
  return GroupDirectorySchema.parse({ groups: directoryGroups, projects: directoryProjects });
}

/** Reads a snapshot file or every `*.yaml`/`*.yml`/`*.json` file of a directory (sorted). */
export async function loadGerritSnapshot(path: string): Promise<GroupDirectory> {
  let files: string[];
  try {
    const info = await stat(path);
    files = info.isDirectory()
      ? (await readdir(path)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort().map((n) => join(path, n))
      : [path];
  } catch (error) {
    throw new AppError('input-unreadable', `cannot read Gerrit snapshot ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed: { file: string; content: GerritSnapshotFile }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new AppError('input-unreadable', `cannot read Gerrit snapshot ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const result = GerritSnapshotFileSchema.safeParse(readSnapshotYaml(file, text) ?? {});
    if (!result.success) {
      const issue = result.error.issues[0];
      const what = issue === undefined ? 'invalid' : issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}${issue.path.length > 0 ? ` in ${issue.path.join('.')}` : ''}` : `${issue.path.join('.')}: ${issue.message}`;
      throw notASnapshot(file, what);
    }
    parsed.push({ file, content: result.data });
  }
  try {
    return snapshotToDirectory(parsed);
  } catch (error) {
    // A dangling reference: the path names part of a snapshot (one file of a directory), or a broken one.
    if (AppError.isInstance(error)) throw new AppError('input-unreadable', `${error.message}; give the snapshot directory with its accounts, groups and projects files (e.g. examples/demo-gerrit)`, { cause: error });
    throw error;
  }
}

/** What a `--gerrit-snapshot` that does not hold a Gerrit snapshot gets: unreadable input (exit 4), in gic's words. */
function notASnapshot(file: string, why: string): AppError {
  return new AppError('input-unreadable', `${file} is not a Gerrit snapshot file (${why}); --gerrit-snapshot takes a file or directory of accounts, groups and projects, such as examples/demo-gerrit`);
}

/** Parses one snapshot file: a single YAML or JSON document. */
function readSnapshotYaml(file: string, text: string): unknown {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  if (list.length > 1) throw notASnapshot(file, `it holds ${list.length} YAML documents separated by "---"; a snapshot file holds one`);
  const error = list[0]?.errors[0];
  if (error !== undefined) {
    const line = error.linePos?.[0].line;
    const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw notASnapshot(file, `line ${line ?? 1}: not valid YAML or JSON: ${reason}`);
  }
  const doc = list[0];
  const contents = doc?.contents as Node | null | undefined;
  // Alias bombs and self-containing anchors are refused before anything is expanded.
  if (doc !== undefined && contents !== null && contents !== undefined && expandedNodeCount(contents, doc, 1_000_000).kind !== 'ok') {
    throw notASnapshot(file, 'YAML aliases that expand beyond a million nodes, or an alias inside the node it names');
  }
  return doc?.toJS({ maxAliasCount: -1 }) as unknown;
}

export class SnapshotGroupSource implements GroupSource {
  readonly kind = 'snapshot';

  constructor(
    private readonly directory: GroupDirectory,
    readonly origin: string,
  ) {}

  static async load(path: string): Promise<SnapshotGroupSource> {
    return new SnapshotGroupSource(await loadGerritSnapshot(path), path);
  }

  listGroups(options: GroupSourceCallOptions & { match?: string } = {}): Promise<GerritGroup[]> {
    const match = options.match?.toLowerCase();
    const groups = this.directory.groups.filter((g) => match === undefined || g.name.toLowerCase().includes(match));
    return Promise.resolve([...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }

  listGroupsWithMembers(): Promise<GerritGroup[]> {
    return this.listGroups();
  }

  getGroup(nameOrUuid: string): Promise<GerritGroup | undefined> {
    return Promise.resolve(this.directory.groups.find((g) => g.uuid === nameOrUuid) ?? this.directory.groups.find((g) => g.name === nameOrUuid));
  }

  listProjects(): Promise<GerritProject[]> {
    return Promise.resolve([...this.directory.projects]);
  }
}
