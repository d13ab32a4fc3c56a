// GroupSource over the live Gerrit REST API: group details (direct members and subgroups) per group,
// the whole directory through `GET /groups/?o=MEMBERS&o=INCLUDES` pages, and projects' access rules
// fetched with bounded concurrency. Converts Gerrit's JSON into the pure group model; caches nothing
// (resolve-group-directory.ts caches per run).
import type { GerritAccount, GerritGroup, GerritProject } from '../policy/resources/group-directory.js';
import type { AccountInfo } from './account-info.js';
import { createConcurrencyLimiter } from './concurrency-limiter.js';
import { GerritApiError } from './gerrit-api-error.js';
import type { GerritClient } from './gerrit-client.js';
import { groupUuid, type GroupInfo } from './group-info.js';
import type { GroupSource, GroupSourceCallOptions } from './group-source.js';
import type { ProjectAccessInfo } from './project-info.js';

export interface LiveGroupSourceOptions {
  /** Parallel requests when fetching many projects' access; default 8. */
  readonly concurrency?: number;
  /** Page size of the bulk group listing; default 500. */
  readonly pageSize?: number;
}

export class LiveGroupSource implements GroupSource {
  readonly kind = 'live';
  readonly origin: string;

  constructor(
    private readonly client: GerritClient,
    origin: string,
    private readonly options: LiveGroupSourceOptions = {},
  ) {
    this.origin = origin;
  }

  async listGroups(options: GroupSourceCallOptions & { match?: string } = {}): Promise<GerritGroup[]> {
    const infos = await this.client.listAllGroups({ match: options.match, signal: options.signal, pageSize: this.options.pageSize ?? 500 });
    return infos.map((info) => toGroup(info));
  }

  async listGroupsWithMembers(options: GroupSourceCallOptions = {}): Promise<GerritGroup[]> {
    const infos = await this.client.listAllGroups({ options: ['MEMBERS', 'INCLUDES'], signal: options.signal, pageSize: this.options.pageSize ?? 500 });
    return infos.map((info) => toGroup(info));
  }

  async getGroup(nameOrUuid: string, options: GroupSourceCallOptions = {}): Promise<GerritGroup | undefined> {
    try {
      return toGroup(await this.client.getGroupDetail(nameOrUuid, options));
    } catch (error) {
      if (GerritApiError.isGerritApiError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  async listProjects(options: GroupSourceCallOptions = {}): Promise<GerritProject[]> {
    const projects = await this.client.listAllProjects({ signal: options.signal });
    const limiter = createConcurrencyLimiter(this.options.concurrency ?? 8);
    return Promise.all(
      projects.map((project) =>
        limiter.run(async () => {
          const name = project.name ?? decodeURIComponent(project.id);
          const access = await this.client.getProjectAccess(name, options);
          return toProject(name, project.parent ?? undefined, project.description ?? undefined, access);
        }),
      ),
    );
  }
}

export function toAccount(info: AccountInfo): GerritAccount {
  return {
    ...(info._account_id == null ? {} : { id: info._account_id }),
    ...(info.username == null ? {} : { username: info.username }),
    ...(info.email == null ? {} : { email: info.email }),
    ...(info.name == null ? {} : { name: info.name }),
  };
}

export function toGroup(info: GroupInfo): GerritGroup {
  const uuid = groupUuid(info);
  return {
    uuid,
    name: info.name ?? uuid,
    ...(info.description == null ? {} : { description: info.description }),
    ...(info.owner == null ? {} : { owner: info.owner }),
    ...(info.owner_id == null ? {} : { ownerUuid: decodeURIComponent(info.owner_id) }),
    members: (info.members ?? []).map(toAccount),
    includes: (info.includes ?? []).map((included) => groupUuid(included)),
  };
}

export function toProject(name: string, parent: string | undefined, description: string | undefined, access: ProjectAccessInfo): GerritProject {
  const sections: GerritProject['access'] = {};
  for (const [ref, section] of Object.entries(access.local ?? {})) {
    const permissions: Record<string, Record<string, GerritProject['access'][string][string][string]>> = {};
    for (const [permission, info] of Object.entries(section.permissions ?? {})) {
      const rules: Record<string, GerritProject['access'][string][string][string]> = {};
      for (const [uuid, rule] of Object.entries(info.rules ?? {})) {
        const action = ['ALLOW', 'DENY', 'BLOCK', 'INTERACTIVE', 'BATCH'].includes(rule.action) ? (rule.action as 'ALLOW') : 'ALLOW';
        rules[uuid] = {
          action,
          ...(rule.force == null ? {} : { force: rule.force }),
          ...(rule.min == null ? {} : { min: rule.min }),
          ...(rule.max == null ? {} : { max: rule.max }),
        };
      }
      permissions[permission] = rules;
    }
    sections[ref] = permissions;
  }
  return {
    name,
    ...(parent === undefined ? {} : { parent: parent }),
    ...(description === undefined ? {} : { description }),
    access: sections,
  };
}
