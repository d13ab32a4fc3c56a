// Seeds a test Gerrit over REST: a minimal fetch-based admin client (basic auth on `/a/`, `)]}'` stripped)
// and typed helpers for accounts, (nested) groups, projects with access rules, and changes made through
// the change-edit API. Test support only: the product's Gerrit client lives in src/gerrit, not here.
import { z } from 'zod';

export interface GerritCredentials {
  /** Base URL with a trailing slash. */
  url: string;
  user: string;
  password: string;
}

/** A non-2xx answer; `body` is Gerrit's plain-text error message. */
export class GerritHttpError extends Error {
  override readonly name = 'GerritHttpError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.trim()}`);
  }
}

export interface RequestOptions {
  /** JSON-encoded unless it is a string, which is sent as raw bytes (change-edit file content). */
  body?: unknown;
  /** Send the request without credentials on the anonymous path (no `/a/` prefix). */
  anonymous?: boolean;
  /** Override the credentials for this request (e.g. a wrong password). */
  password?: string;
  /** Accept header; default `application/json` (file content then comes as a JSON string, not base64). */
  accept?: string;
}

/** Minimal REST client: `path` is relative to the base URL and without `/a/`, e.g. `groups/x/members/`. */
export class GerritAdminClient {
  constructor(readonly credentials: GerritCredentials) {}

  /** Sends the request; returns the status and the body with the XSSI prefix removed. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (options.anonymous !== true) {
      const password = options.password ?? this.credentials.password;
      headers['authorization'] = `Basic ${Buffer.from(`${this.credentials.user}:${password}`).toString('base64')}`;
    }
    let body: string | undefined;
    if (typeof options.body === 'string') {
      body = options.body;
      headers['content-type'] = 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const prefix = options.anonymous === true ? '' : 'a/';
    const response = await fetch(`${this.credentials.url}${prefix}${path}`, { method, headers, body });
    return { status: response.status, body: stripXssi(await response.text()) };
  }

  /** Sends the request and parses the JSON answer with `schema`; throws GerritHttpError on non-2xx. */
  async json<T>(method: string, path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    const { status, body } = await this.send(method, path, options);
    if (status < 200 || status > 299) throw new GerritHttpError(method, path, status, body);
    return schema.parse(JSON.parse(body));
  }

  /** Sends the request, expecting a 2xx answer whose body is not needed. */
  async call(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    const { status, body } = await this.send(method, path, options);
    if (status < 200 || status > 299) throw new GerritHttpError(method, path, status, body);
  }
}

/** Removes the `)]}'` line Gerrit puts before every JSON body. */
export function stripXssi(body: string): string {
  return body.startsWith(")]}'") ? body.slice(body.indexOf('\n') + 1) : body;
}

const id = encodeURIComponent;

export const AccountInfoSchema = z.object({
  _account_id: z.number(),
  name: z.string().optional(),
  email: z.string().optional(),
  username: z.string().optional(),
});
export type AccountInfo = z.infer<typeof AccountInfoSchema>;

export const GroupInfoSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  group_id: z.number().optional(),
  owner: z.string().optional(),
  owner_id: z.string().optional(),
  members: z.array(AccountInfoSchema).optional(),
  includes: z.array(z.object({ id: z.string(), name: z.string().optional() })).optional(),
});
export type GroupInfo = z.infer<typeof GroupInfoSchema>;

export const ProjectInfoSchema = z.object({ id: z.string(), name: z.string().optional() });

export const ChangeInfoSchema = z.object({
  id: z.string(),
  project: z.string(),
  branch: z.string(),
  change_id: z.string(),
  subject: z.string(),
  status: z.string(),
  _number: z.number(),
  current_revision: z.string().optional(),
});

export const FileInfoMapSchema = z.record(
  z.string(),
  z.object({ status: z.string().optional(), lines_inserted: z.number().optional(), size: z.number().optional() }),
);

export const PermissionRuleInfoSchema = z.object({
  action: z.string(),
  force: z.boolean().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const ProjectAccessInfoSchema = z.object({
  revision: z.string(),
  local: z.record(
    z.string(),
    z.object({
      permissions: z.record(z.string(), z.object({ rules: z.record(z.string(), PermissionRuleInfoSchema) })),
    }),
  ),
  groups: z.record(z.string(), z.object({ name: z.string().optional() })).optional(),
});

/** Creates an account with a username, email and full name (admin: Create Account capability). */
export async function createAccount(
  client: GerritAdminClient,
  username: string,
  email: string,
  name: string,
): Promise<AccountInfo> {
  return client.json('PUT', `accounts/${id(username)}`, AccountInfoSchema, { body: { username, email, name } });
}

export interface GroupSpec {
  /** Owner group, by name or UUID; default: the new group owns itself. */
  owner?: string;
  /** Accounts by username, email or numeric id. */
  members?: string[];
  /** Subgroups by name or UUID (external groups only by UUID). */
  includedGroups?: string[];
}

/**
 * Creates an internal group with exactly `spec.members` as direct members (Gerrit makes the creator a
 * member of a self-owned group; that membership is removed unless asked for), adds the subgroups, and
 * returns the group with both lists.
 */
export async function createGroup(client: GerritAdminClient, name: string, spec: GroupSpec = {}): Promise<GroupInfo> {
  const created = await client.json('PUT', `groups/${id(name)}`, GroupInfoSchema, {
    body: spec.owner === undefined ? {} : { owner_id: spec.owner },
  });
  const members = spec.members ?? [];
  if (members.length > 0) {
    await client.call('POST', `groups/${id(created.id)}/members.add`, { body: { members } });
  }
  const self = await client.json('GET', 'accounts/self', AccountInfoSchema);
  const selfNames = [String(self._account_id), self.username, self.email].filter((n) => n !== undefined);
  if (!members.some((m) => selfNames.includes(m))) {
    const direct = await client.json('GET', `groups/${id(created.id)}/members/`, z.array(AccountInfoSchema));
    if (direct.some((m) => m._account_id === self._account_id)) {
      await client.call('DELETE', `groups/${id(created.id)}/members/${self._account_id}`);
    }
  }
  if (spec.includedGroups !== undefined && spec.includedGroups.length > 0) {
    await includeGroups(client, created.id, spec.includedGroups);
  }
  return client.json('GET', `groups/${id(created.id)}/detail`, GroupInfoSchema);
}

/** Adds subgroups to a group (by name or UUID); this is how a cycle is closed after both groups exist. */
export async function includeGroups(client: GerritAdminClient, group: string, groups: string[]): Promise<void> {
  await client.call('POST', `groups/${id(group)}/groups.add`, { body: { groups } });
}

export interface AccessRule {
  /** Ref pattern, e.g. `refs/heads/*` or `refs/*`. */
  ref: string;
  /** Permission name, e.g. `read`, `push`, `label-Code-Review`. */
  permission: string;
  groupUuid: string;
  action?: 'ALLOW' | 'DENY' | 'BLOCK';
  min?: number;
  max?: number;
}

/** Creates a project with an initial empty commit on master and adds the given access rules. */
export async function createProject(
  client: GerritAdminClient,
  name: string,
  access: AccessRule[] = [],
): Promise<{ name: string; accessRevision?: string }> {
  await client.json('PUT', `projects/${id(name)}`, ProjectInfoSchema, { body: { create_empty_commit: true } });
  if (access.length === 0) return { name };
  const add: Record<string, { permissions: Record<string, { rules: Record<string, object> }> }> = {};
  for (const rule of access) {
    const section = (add[rule.ref] ??= { permissions: {} });
    const permission = (section.permissions[rule.permission] ??= { rules: {} });
    permission.rules[rule.groupUuid] = {
      action: rule.action ?? 'ALLOW',
      ...(rule.min === undefined ? {} : { min: rule.min }),
      ...(rule.max === undefined ? {} : { max: rule.max }),
    };
  }
  const result = await client.json('POST', `projects/${id(name)}/access`, ProjectAccessInfoSchema, {
    body: { add, message: 'gic test fixture: access rules' },
  });
  return { name, accessRevision: result.revision };
}

export interface CreatedChange {
  /** `project~number`, usable as `{change-id}` in URLs (URL-encode it). */
  id: string;
  number: number;
  changeId: string;
  /** Commit SHA of the current patch set. */
  revision: string;
}

/** Creates a change on `branch` (default master) whose first published patch set holds `files`. */
export async function createChange(
  client: GerritAdminClient,
  project: string,
  subject: string,
  files: Record<string, string>,
  branch = 'master',
): Promise<CreatedChange> {
  const change = await client.json('POST', 'changes/', ChangeInfoSchema, { body: { project, branch, subject } });
  const changeId = `${project}~${change._number}`;
  for (const [path, content] of Object.entries(files)) {
    await client.call('PUT', `changes/${id(changeId)}/edit/${id(path)}`, { body: content });
  }
  await client.call('POST', `changes/${id(changeId)}/edit:publish`, { body: { notify: 'NONE' } });
  const published = await client.json('GET', `changes/${id(changeId)}?o=CURRENT_REVISION`, ChangeInfoSchema);
  if (published.current_revision === undefined) throw new Error(`change ${changeId} has no current revision`);
  return { id: changeId, number: published._number, changeId: published.change_id, revision: published.current_revision };
}
