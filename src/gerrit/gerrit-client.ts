// The typed Gerrit REST client: one method per endpoint gic uses (server, groups, accounts, projects,
// access, labels, changes and change edits, reviews, webhooks-plugin remotes). Paths are built here with
// every id URL-encoded; sending, auth, retries and errors belong to GerritTransport. It must not cache
// or interpret results: callers (group sources, the review bot) decide what the answers mean.
import { z } from 'zod';

import { AccountInfoSchema, CapabilitiesSchema, type AccountInfo, type AccountInput } from './account-info.js';
import {
  ChangeInfoSchema,
  CommentMapSchema,
  DiffInfoSchema,
  EditInfoSchema,
  FileInfoMapSchema,
  ReviewResultSchema,
  type ChangeInfo,
  type ChangeInput,
  type NotifyHandling,
  type ReviewInput,
} from './change-info.js';
import { GerritApiError } from './gerrit-api-error.js';
import { GroupAuditEventInfoSchema, GroupInfoSchema, GroupMapSchema, type GroupInfo, type GroupInput } from './group-info.js';
import { GerritTransport, type GerritTransportOptions, type Query } from './gerrit-transport.js';
import { paginate } from './paginate.js';
import {
  LabelDefinitionInfoSchema,
  ProjectAccessInfoSchema,
  ProjectInfoSchema,
  ProjectMapSchema,
  type LabelDefinitionInput,
  type ProjectAccessInput,
  type ProjectInfo,
  type ProjectInput,
} from './project-info.js';
import { stripXssiPrefix } from './strip-xssi-prefix.js';
import { RemoteInfoSchema, RemoteMapSchema, remoteInputBody, type RemoteInput } from './webhook-remote.js';
import { type ServerInfo, ServerInfoSchema } from './server-info.js';

const enc = encodeURIComponent;

export interface Signal {
  readonly signal?: AbortSignal;
}

export interface PageOptions extends Signal {
  /** `n`: page size or limit. */
  readonly limit?: number;
  /** `S`: results to skip. */
  readonly start?: number;
}

export interface ListGroupsOptions extends PageOptions {
  /** `m`: substring of the name (not together with `regex`). */
  readonly match?: string;
  /** `r`: regular expression on the name. */
  readonly regex?: string;
  /** Only groups owned by the caller (or by `user`). */
  readonly owned?: boolean;
  /** Groups of this account. */
  readonly user?: string;
  /** Groups used in this project's access rules. */
  readonly project?: string;
  readonly visibleToAll?: boolean;
  /** `o=MEMBERS`, `o=INCLUDES`: direct members and subgroups in each GroupInfo. */
  readonly options?: readonly ('MEMBERS' | 'INCLUDES')[];
}

export interface QueryOptions extends PageOptions {
  /** `o=` options, e.g. `CURRENT_REVISION`, `DETAILS`, `MEMBERS`. */
  readonly options?: readonly string[];
}

export type GerritClientOptions = GerritTransportOptions;

/** Page size used when a method fetches all pages. */
const PAGE_SIZE = 250;

export class GerritClient {
  readonly transport: GerritTransport;

  constructor(options: GerritClientOptions | GerritTransport) {
    this.transport = options instanceof GerritTransport ? options : new GerritTransport(options);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  // ---- server ----

  /** `GET /config/server/version` */
  getServerVersion(options: Signal = {}): Promise<string> {
    return this.transport.json('GET', 'config/server/version', z.string(), options);
  }

  /** `GET /config/server/info` (the fields gic reads; see server-info.ts). */
  getServerInfo(options: Signal = {}): Promise<ServerInfo> {
    return this.transport.json('GET', 'config/server/info', ServerInfoSchema, options);
  }

  // ---- groups ----

  /** `GET /groups/`: one page of internal groups (the answer is a map; names are filled in). */
  async listGroups(options: ListGroupsOptions = {}): Promise<GroupInfo[]> {
    const query: Query = {
      m: options.match,
      r: options.regex,
      owned: options.owned,
      user: options.user,
      p: options.project,
      'visible-to-all': options.visibleToAll,
      o: options.options,
      n: options.limit,
      S: options.start,
    };
    const map = await this.transport.json('GET', 'groups/', GroupMapSchema, { query, signal: options.signal });
    return Object.entries(map).map(([name, info]) => ({ ...info, name: info.name ?? name }));
  }

  /** All internal groups matching the filters, page by page (`S`/`n`; the list has no `_more` marker). */
  listAllGroups(options: Omit<ListGroupsOptions, 'start' | 'limit'> & { pageSize?: number } = {}): Promise<GroupInfo[]> {
    const pageSize = options.pageSize ?? PAGE_SIZE;
    return paginate((start, n) => this.listGroups({ ...options, start, limit: n }), { pageSize });
  }

  /**
   * `GET /groups/?query=`: the group index query (`inname:`, `owner:`, `member:`, ...). Gerrit 3.9 takes
   * `query`; servers that only know `query2` are asked again with it.
   */
  async queryGroups(query: string, options: QueryOptions = {}): Promise<GroupInfo[]> {
    const page = { limit: options.limit, start: options.start, o: options.options };
    try {
      return await this.transport.json('GET', 'groups/', z.array(GroupInfoSchema), { query: { query, ...page }, signal: options.signal });
    } catch (error) {
      if (!(GerritApiError.isGerritApiError(error) && error.status === 400 && /query/.test(error.body))) throw error;
      return this.transport.json('GET', 'groups/', z.array(GroupInfoSchema), { query: { query2: query, ...page }, signal: options.signal });
    }
  }

  /** All results of a group query, following `_more_groups`. */
  queryAllGroups(query: string, options: Omit<QueryOptions, 'start' | 'limit'> = {}): Promise<GroupInfo[]> {
    return paginate((start, n) => this.queryGroups(query, { ...options, start, limit: n }), { pageSize: PAGE_SIZE, moreMarker: '_more_groups' });
  }

  /** `GET /groups/{id}` by UUID, legacy numeric id or unique name. */
  getGroup(id: string, options: Signal = {}): Promise<GroupInfo> {
    return this.transport.json('GET', `groups/${enc(id)}`, GroupInfoSchema, options);
  }

  /** `GET /groups/{id}/detail`: the group with direct `members` and `includes`. */
  getGroupDetail(id: string, options: Signal = {}): Promise<GroupInfo> {
    return this.transport.json('GET', `groups/${enc(id)}/detail`, GroupInfoSchema, options);
  }

  /** `GET /groups/{id}/members/` (`recursive`: through internal subgroups, cycle-safe, server-side). */
  listGroupMembers(id: string, options: Signal & { recursive?: boolean } = {}): Promise<AccountInfo[]> {
    return this.transport.json('GET', `groups/${enc(id)}/members/`, z.array(AccountInfoSchema), {
      query: { recursive: options.recursive },
      signal: options.signal,
    });
  }

  /** `GET /groups/{id}/groups/`: direct subgroups. */
  listIncludedGroups(id: string, options: Signal = {}): Promise<GroupInfo[]> {
    return this.transport.json('GET', `groups/${enc(id)}/groups/`, z.array(GroupInfoSchema), options);
  }

  /** `GET /groups/{id}/owner` */
  getGroupOwner(id: string, options: Signal = {}): Promise<GroupInfo> {
    return this.transport.json('GET', `groups/${enc(id)}/owner`, GroupInfoSchema, options);
  }

  /** `GET /groups/{id}/log.audit`: newest first. */
  getGroupAuditLog(id: string, options: Signal = {}): Promise<z.infer<typeof GroupAuditEventInfoSchema>[]> {
    return this.transport.json('GET', `groups/${enc(id)}/log.audit`, z.array(GroupAuditEventInfoSchema), options);
  }

  /** `PUT /groups/{name}`: 409 when the name is taken. Not retried. */
  createGroup(name: string, input: GroupInput = {}, options: Signal = {}): Promise<GroupInfo> {
    return this.transport.json('PUT', `groups/${enc(name)}`, GroupInfoSchema, { body: input, signal: options.signal });
  }

  /** `POST /groups/{id}/members.add`: idempotent (existing members stay), so retried. */
  addGroupMembers(id: string, members: readonly string[], options: Signal = {}): Promise<AccountInfo[]> {
    return this.transport.json('POST', `groups/${enc(id)}/members.add`, z.array(AccountInfoSchema), {
      body: { members },
      idempotent: true,
      signal: options.signal,
    });
  }

  /** `POST /groups/{id}/members.delete` */
  async removeGroupMembers(id: string, members: readonly string[], options: Signal = {}): Promise<void> {
    await this.transport.send('POST', `groups/${enc(id)}/members.delete`, { body: { members }, idempotent: true, signal: options.signal });
  }

  /** `POST /groups/{id}/groups.add`: idempotent, so retried. */
  addIncludedGroups(id: string, groups: readonly string[], options: Signal = {}): Promise<GroupInfo[]> {
    return this.transport.json('POST', `groups/${enc(id)}/groups.add`, z.array(GroupInfoSchema), {
      body: { groups },
      idempotent: true,
      signal: options.signal,
    });
  }

  /** `POST /groups/{id}/groups.delete` */
  async removeIncludedGroups(id: string, groups: readonly string[], options: Signal = {}): Promise<void> {
    await this.transport.send('POST', `groups/${enc(id)}/groups.delete`, { body: { groups }, idempotent: true, signal: options.signal });
  }

  // ---- accounts ----

  /** `GET /accounts/?q=`: one page. */
  queryAccounts(query: string, options: QueryOptions = {}): Promise<AccountInfo[]> {
    return this.transport.json('GET', 'accounts/', z.array(AccountInfoSchema), {
      query: { q: query, n: options.limit, S: options.start, o: options.options },
      signal: options.signal,
    });
  }

  /** All accounts matching the query, following `_more_accounts`. */
  queryAllAccounts(query: string, options: Omit<QueryOptions, 'start' | 'limit'> & { pageSize?: number } = {}): Promise<AccountInfo[]> {
    return paginate((start, n) => this.queryAccounts(query, { ...options, start, limit: n }), {
      pageSize: options.pageSize ?? PAGE_SIZE,
      moreMarker: '_more_accounts',
    });
  }

  /** `GET /accounts/{id}` (numeric id, `self`, username or email). */
  getAccount(id: string | number, options: Signal = {}): Promise<AccountInfo> {
    return this.transport.json('GET', `accounts/${enc(String(id))}`, AccountInfoSchema, options);
  }

  /** `GET /accounts/{id}/groups`: effective groups (system groups and groups reached by inclusion too). */
  getAccountGroups(id: string | number, options: Signal = {}): Promise<GroupInfo[]> {
    return this.transport.json('GET', `accounts/${enc(String(id))}/groups`, z.array(GroupInfoSchema), options);
  }

  /** `PUT /accounts/{username}`: 409 when the username exists. Not retried. */
  createAccount(username: string, input: AccountInput = {}, options: Signal = {}): Promise<AccountInfo> {
    return this.transport.json('PUT', `accounts/${enc(username)}`, AccountInfoSchema, { body: { username, ...input }, signal: options.signal });
  }

  /** `GET /accounts/{id}/capabilities` */
  getCapabilities(id: string | number = 'self', options: Signal = {}): Promise<Record<string, unknown>> {
    return this.transport.json('GET', `accounts/${enc(String(id))}/capabilities`, CapabilitiesSchema, options);
  }

  // ---- projects, access, labels ----

  /** `GET /projects/`: one page (a map; names filled in). */
  async listProjects(options: PageOptions & { prefix?: string; regex?: string } = {}): Promise<ProjectInfo[]> {
    const map = await this.transport.json('GET', 'projects/', ProjectMapSchema, {
      query: { p: options.prefix, r: options.regex, n: options.limit, S: options.start },
      signal: options.signal,
    });
    return Object.entries(map).map(([name, info]) => ({ ...info, name: info.name ?? name }));
  }

  /** Every project, page by page. */
  listAllProjects(options: { prefix?: string; pageSize?: number } & Signal = {}): Promise<ProjectInfo[]> {
    return paginate((start, n) => this.listProjects({ ...options, start, limit: n }), { pageSize: options.pageSize ?? PAGE_SIZE });
  }

  /** `PUT /projects/{name}`: 409 when it exists. */
  createProject(name: string, input: ProjectInput = {}, options: Signal = {}): Promise<ProjectInfo> {
    return this.transport.json('PUT', `projects/${enc(name)}`, ProjectInfoSchema, { body: input, signal: options.signal });
  }

  /** `GET /projects/{name}/access`: sections by ref pattern, rules by group UUID, group names. */
  getProjectAccess(name: string, options: Signal = {}): Promise<z.infer<typeof ProjectAccessInfoSchema>> {
    return this.transport.json('GET', `projects/${enc(name)}/access`, ProjectAccessInfoSchema, options);
  }

  /** `POST /projects/{name}/access`: add/remove rules directly on refs/meta/config. */
  setProjectAccess(name: string, input: ProjectAccessInput, options: Signal = {}): Promise<z.infer<typeof ProjectAccessInfoSchema>> {
    return this.transport.json('POST', `projects/${enc(name)}/access`, ProjectAccessInfoSchema, { body: input, signal: options.signal });
  }

  /** `GET /projects/{name}/labels/` (`inherited`: with parents' labels). */
  listLabels(project: string, options: Signal & { inherited?: boolean } = {}): Promise<z.infer<typeof LabelDefinitionInfoSchema>[]> {
    return this.transport.json('GET', `projects/${enc(project)}/labels/`, z.array(LabelDefinitionInfoSchema), {
      query: { inherited: options.inherited },
      signal: options.signal,
    });
  }

  /** `PUT /projects/{p}/labels/{name}`: creates or updates a label definition. */
  putLabel(project: string, label: string, input: LabelDefinitionInput, options: Signal = {}): Promise<z.infer<typeof LabelDefinitionInfoSchema>> {
    return this.transport.json('PUT', `projects/${enc(project)}/labels/${enc(label)}`, LabelDefinitionInfoSchema, { body: input, signal: options.signal });
  }

  // ---- changes ----

  /** `GET /changes/?q=`: one page, newest updated first. */
  queryChanges(query: string, options: QueryOptions = {}): Promise<ChangeInfo[]> {
    return this.transport.json('GET', 'changes/', z.array(ChangeInfoSchema), {
      query: { q: query, n: options.limit, S: options.start, o: options.options },
      signal: options.signal,
    });
  }

  /** All changes matching the query, following `_more_changes`. */
  queryAllChanges(query: string, options: Omit<QueryOptions, 'start' | 'limit'> & { pageSize?: number } = {}): Promise<ChangeInfo[]> {
    return paginate((start, n) => this.queryChanges(query, { ...options, start, limit: n }), {
      pageSize: options.pageSize ?? PAGE_SIZE,
      moreMarker: '_more_changes',
    });
  }

  /** `GET /changes/{id}` (`project~number` recommended). */
  getChange(id: string, options: Signal & { options?: readonly string[] } = {}): Promise<ChangeInfo> {
    return this.transport.json('GET', `changes/${enc(id)}`, ChangeInfoSchema, { query: { o: options.options }, signal: options.signal });
  }

  /** `GET /changes/{id}/revisions/{rev}/files/`: path -> FileInfo (includes `/COMMIT_MSG`). */
  listFiles(id: string, revision = 'current', options: Signal & { base?: number } = {}): Promise<z.infer<typeof FileInfoMapSchema>> {
    return this.transport.json('GET', `changes/${enc(id)}/revisions/${enc(revision)}/files/`, FileInfoMapSchema, {
      query: { base: options.base },
      signal: options.signal,
    });
  }

  /**
   * `GET .../files/?q=SUBSTRING`: every path of the revision's tree (modified or not) containing the
   * substring, sorted. The review bot reads the target branch's policy directory with it.
   */
  listTreePaths(id: string, revision: string, substring: string, options: Signal = {}): Promise<string[]> {
    return this.transport.json('GET', `changes/${enc(id)}/revisions/${enc(revision)}/files/`, z.array(z.string()), { query: { q: substring }, signal: options.signal });
  }

  /** `GET .../files/{path}/content`: the file's text (Gerrit sends base64; decoded here). */
  async getFileContent(id: string, revision: string, path: string, options: Signal & { parent?: number } = {}): Promise<string> {
    const response = await this.transport.send('GET', `changes/${enc(id)}/revisions/${enc(revision)}/files/${enc(path)}/content`, {
      query: { parent: options.parent },
      accept: 'text/plain',
      signal: options.signal,
    });
    return Buffer.from(response.text.trim(), 'base64').toString('utf8');
  }

  /** `GET /projects/{p}/branches/{b}/files/{path}/content`: a file of a branch's head (base64; decoded here). */
  async getBranchFileContent(project: string, branch: string, path: string, options: Signal = {}): Promise<string> {
    const response = await this.transport.send('GET', `projects/${enc(project)}/branches/${enc(branch)}/files/${enc(path)}/content`, { accept: 'text/plain', signal: options.signal });
    return Buffer.from(response.text.trim(), 'base64').toString('utf8');
  }

  /** `GET .../files/{path}/diff` */
  getDiff(id: string, revision: string, path: string, options: Signal & { base?: number; context?: number } = {}): Promise<z.infer<typeof DiffInfoSchema>> {
    return this.transport.json('GET', `changes/${enc(id)}/revisions/${enc(revision)}/files/${enc(path)}/diff`, DiffInfoSchema, {
      query: { base: options.base, context: options.context },
      signal: options.signal,
    });
  }

  /** `POST /changes/`: a new change whose patch set 1 has the branch's tree. Not retried. */
  createChange(input: ChangeInput, options: Signal = {}): Promise<ChangeInfo> {
    return this.transport.json('POST', 'changes/', ChangeInfoSchema, { body: input, signal: options.signal });
  }

  /** `PUT /changes/{id}/edit/{path}`: writes a file into the change edit (creating the edit); idempotent. */
  async putEditFile(id: string, path: string, content: string | Uint8Array, options: Signal = {}): Promise<void> {
    await this.transport.send('PUT', `changes/${enc(id)}/edit/${enc(path)}`, { body: content, idempotent: true, signal: options.signal });
  }

  /** `DELETE /changes/{id}/edit/{path}`: deletes a file in the change edit. */
  async deleteEditFile(id: string, path: string, options: Signal = {}): Promise<void> {
    await this.transport.send('DELETE', `changes/${enc(id)}/edit/${enc(path)}`, { idempotent: true, signal: options.signal });
  }

  /** `GET /changes/{id}/edit`: the pending edit, or undefined (204) when there is none. */
  async getEdit(id: string, options: Signal = {}): Promise<z.infer<typeof EditInfoSchema> | undefined> {
    const response = await this.transport.send('GET', `changes/${enc(id)}/edit`, options);
    if (response.status === 204 || response.text.trim() === '') return undefined;
    return EditInfoSchema.parse(JSON.parse(stripXssiPrefix(response.text)));
  }

  /** `POST /changes/{id}/edit:publish`: the edit becomes the next patch set. */
  async publishEdit(id: string, notify: NotifyHandling = 'NONE', options: Signal = {}): Promise<void> {
    await this.transport.send('POST', `changes/${enc(id)}/edit:publish`, { body: { notify }, signal: options.signal });
  }

  /** `POST /changes/{id}/revisions/{rev}/review`: message, votes, inline comments. Not retried. */
  setReview(id: string, revision: string, input: ReviewInput, options: Signal = {}): Promise<z.infer<typeof ReviewResultSchema>> {
    return this.transport.json('POST', `changes/${enc(id)}/revisions/${enc(revision)}/review`, ReviewResultSchema, { body: input, signal: options.signal });
  }

  /** `GET /changes/{id}/comments`: published comments by path. */
  listComments(id: string, options: Signal = {}): Promise<z.infer<typeof CommentMapSchema>> {
    return this.transport.json('GET', `changes/${enc(id)}/comments`, CommentMapSchema, options);
  }

  /** `GET /changes/{id}/robotcomments` (Gerrit ≤3.12 only). */
  listRobotComments(id: string, options: Signal = {}): Promise<z.infer<typeof CommentMapSchema>> {
    return this.transport.json('GET', `changes/${enc(id)}/robotcomments`, CommentMapSchema, options);
  }

  // ---- webhooks plugin ----

  /** `GET /config/server/webhooks~projects/{p}/remotes/`: name -> remote. */
  listWebhookRemotes(project: string, options: Signal = {}): Promise<z.infer<typeof RemoteMapSchema>> {
    return this.transport.json('GET', `config/server/webhooks~projects/${enc(project)}/remotes/`, RemoteMapSchema, options);
  }

  getWebhookRemote(project: string, name: string, options: Signal = {}): Promise<z.infer<typeof RemoteInfoSchema>> {
    return this.transport.json('GET', `config/server/webhooks~projects/${enc(project)}/remotes/${enc(name)}`, RemoteInfoSchema, options);
  }

  /** `PUT .../remotes/{name}`: creates (201) or updates (200); idempotent. */
  putWebhookRemote(project: string, name: string, input: RemoteInput, options: Signal = {}): Promise<z.infer<typeof RemoteInfoSchema>> {
    return this.transport.json('PUT', `config/server/webhooks~projects/${enc(project)}/remotes/${enc(name)}`, RemoteInfoSchema, {
      body: remoteInputBody(input),
      idempotent: true,
      signal: options.signal,
    });
  }

  async deleteWebhookRemote(project: string, name: string, options: Signal = {}): Promise<void> {
    await this.transport.send('DELETE', `config/server/webhooks~projects/${enc(project)}/remotes/${enc(name)}`, { idempotent: true, signal: options.signal });
  }
}
