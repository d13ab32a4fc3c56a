// Gerrit group questions the surfaces ask (MCP gerrit_* tools, per-tool authorization): the groups with
// their member counts, one group with its owner, recursive members, subgroups and the mesh policies
// whose groups-claim conditions name it (the `gic groups list|show` shapes, docs/cli.md), and the groups
// an account belongs to, directly or through subgroups. Reads the configured group source (live Gerrit
// or a snapshot); without one, AppError `not-configured`.
import { AppError } from '../errors.js';
import type { GroupSource } from '../gerrit/group-source.js';
import { resolveAllGroups, resolveGroups } from '../gerrit/resolve-group-directory.js';
import { policiesReferencingGroup } from '../policy/analyze/gerrit/group-references.js';
import { indexGroupDirectory, type GerritAccount } from '../policy/resources/group-directory.js';
import { closestNames } from './closest-names.js';
import type { CopilotDeps } from './deps.js';

export interface GroupListEntry {
  readonly id: string;
  readonly name: string;
  readonly members: number;
}

export interface GroupDetail {
  readonly id: string;
  readonly name: string;
  readonly owner: string | null;
  readonly description: string | null;
  readonly members: readonly { readonly username: string | null; readonly email: string | null }[];
  readonly includes: readonly { readonly id: string; readonly name: string }[];
  /** `namespace/name` of the mesh's AuthorizationPolicies that name the group (empty without a mesh). */
  readonly policies: readonly string[];
}

export interface AccountGroups {
  readonly account: { readonly username: string | null; readonly email: string | null; readonly name: string | null };
  /** Every group the account is in, directly or through subgroups, by name. */
  readonly groups: readonly { readonly id: string; readonly name: string; readonly direct: boolean }[];
}

function requireGroups(deps: CopilotDeps): GroupSource {
  if (deps.groups === undefined) throw new AppError('not-configured', 'no Gerrit configured: give --gerrit-url (or GIC_GERRIT_URL) or --gerrit-snapshot');
  return deps.groups;
}

export async function listGroups(deps: CopilotDeps, input: { readonly query?: string }, signal?: AbortSignal): Promise<{ groups: GroupListEntry[]; origin: string }> {
  const source = requireGroups(deps);
  const directory = await resolveAllGroups(source, signal === undefined ? {} : { signal });
  const index = indexGroupDirectory(directory);
  const query = input.query?.toLowerCase();
  const groups = directory.groups
    .filter((g) => query === undefined || g.name.toLowerCase().includes(query))
    .map((g) => ({ id: g.uuid, name: g.name, members: index.membersOf(g.uuid).length }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { groups, origin: source.origin };
}

export async function getGroup(deps: CopilotDeps, input: { readonly group: string }, signal?: AbortSignal): Promise<GroupDetail> {
  const source = requireGroups(deps);
  const resolved = await resolveGroups(source, [input.group], signal === undefined ? {} : { signal });
  const index = indexGroupDirectory(resolved.directory);
  const group = index.find(input.group);
  if (group === undefined) {
    const all = await source.listGroups(signal === undefined ? {} : { signal });
    const closest = closestNames(input.group, all.map((g) => g.name));
    throw new AppError('not-found', `no Gerrit group "${input.group}" in ${source.origin}${closest.length > 0 ? `; did you mean ${closest.map((c) => `"${c}"`).join(', ')}?` : ''}`, { details: { closest } });
  }
  const policies = deps.mesh === undefined ? [] : policiesReferencingGroup(deps.mesh.snapshot().mesh, group, deps.settings.groupsClaim);
  return {
    id: group.uuid,
    name: group.name,
    owner: group.owner ?? null,
    description: group.description ?? null,
    members: index.membersOf(group.uuid).map((m) => ({ username: m.username ?? null, email: m.email ?? null })),
    includes: group.includes.map((uuid) => ({ id: uuid, name: index.byUuid(uuid)?.name ?? uuid })),
    policies: [...policies],
  };
}

function sameAccount(a: GerritAccount, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return a.username?.toLowerCase() === w || a.email?.toLowerCase() === w || (a.id !== undefined && String(a.id) === wanted);
}

/** The groups of an account (username, email or numeric id). Unknown accounts are `not-found`. */
export async function accountGroups(deps: CopilotDeps, input: { readonly account: string }, signal?: AbortSignal): Promise<AccountGroups> {
  const source = requireGroups(deps);
  const directory = await resolveAllGroups(source, signal === undefined ? {} : { signal });
  const index = indexGroupDirectory(directory);
  let found: GerritAccount | undefined;
  const groups: { id: string; name: string; direct: boolean }[] = [];
  for (const g of directory.groups) {
    const direct = g.members.find((m) => sameAccount(m, input.account));
    const member = direct ?? index.membersOf(g.uuid).find((m) => sameAccount(m, input.account));
    if (member === undefined) continue;
    found ??= member;
    groups.push({ id: g.uuid, name: g.name, direct: direct !== undefined });
  }
  if (found === undefined) throw new AppError('not-found', `no Gerrit account "${input.account}" is a member of any group in ${source.origin}`);
  groups.sort((a, b) => a.name.localeCompare(b.name));
  return { account: { username: found.username ?? null, email: found.email ?? null, name: found.name ?? null }, groups };
}
