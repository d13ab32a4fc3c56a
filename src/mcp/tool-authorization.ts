// Per-tool authorization by Gerrit group (docs/mcp.md "Authorization"): read tools for any
// authenticated caller (or the configured read groups), policy_propose and policy_draft for the
// propose groups, policy_submit_for_review for the submit groups. The caller's groups come from the
// token's groups claim; a token without one has the Gerrit account's groups looked up (names and UUIDs,
// through subgroups) and cached for a while. A lookup that fails counts as no groups: fail closed.
// Refusals are messages a person can act on; the call pipeline audits them.
import type { ToolAccess, ToolCaller, ToolDefinition } from '../../tools/define-tool.js';
import type { AuthorizeTool } from './tool-call-pipeline.js';

export interface ToolAuthorizationSettings {
  /** Empty: any authenticated caller. */
  readonly readGroups: readonly string[];
  /** Empty: nobody (propose tools need a configured group). */
  readonly proposeGroups: readonly string[];
  /** Empty: nobody. */
  readonly submitGroups: readonly string[];
}

export interface ToolAuthorizerOptions {
  /** The Gerrit groups (names and UUIDs) of a user, for callers whose token carries no groups claim. */
  readonly lookupGroups?: (user: string) => Promise<readonly string[]>;
  readonly cacheMs?: number;
  readonly now?: () => number;
  readonly maxCached?: number;
}

const FLAG: Readonly<Record<ToolAccess, string>> = { read: '--read-groups', propose: '--propose-groups', submit: '--submit-groups' };

export function createToolAuthorizer(settings: ToolAuthorizationSettings, options: ToolAuthorizerOptions = {}): AuthorizeTool {
  const now = options.now ?? (() => Date.now());
  const cacheMs = options.cacheMs ?? 300_000;
  const maxCached = options.maxCached ?? 10_000;
  const cache = new Map<string, { groups: readonly string[]; until: number; failed: boolean }>();
  const groupsOf = async (caller: ToolCaller): Promise<{ groups: readonly string[]; failed: boolean }> => {
    if (caller.groups.length > 0 || options.lookupGroups === undefined || !caller.actor.startsWith('user:')) return { groups: caller.groups, failed: false };
    const hit = cache.get(caller.actor);
    if (hit !== undefined && hit.until > now()) return hit;
    let entry: { groups: readonly string[]; until: number; failed: boolean };
    try {
      entry = { groups: await options.lookupGroups(caller.actor.slice('user:'.length)), until: now() + cacheMs, failed: false };
    } catch {
      // Not cached for long: Gerrit may be back soon.
      entry = { groups: [], until: now() + Math.min(cacheMs, 10_000), failed: true };
    }
    if (cache.size >= maxCached) cache.clear();
    cache.set(caller.actor, entry);
    return entry;
  };
  const allowedFor = (access: ToolAccess): readonly string[] => (access === 'read' ? settings.readGroups : access === 'propose' ? settings.proposeGroups : settings.submitGroups);
  return async (caller: ToolCaller, tool: ToolDefinition) => {
    const allowed = allowedFor(tool.access);
    if (tool.access === 'read' && allowed.length === 0) return undefined;
    if (allowed.length === 0) return `${tool.name} is not enabled for anyone on this server: no Gerrit groups are configured for it (${FLAG[tool.access]})`;
    const { groups, failed } = await groupsOf(caller);
    if (groups.some((g) => allowed.includes(g))) return undefined;
    if (failed) return `${tool.name} needs membership in one of the Gerrit groups ${allowed.join(', ')}, and your groups could not be looked up in Gerrit; try again later`;
    return `${tool.name} needs membership in one of the Gerrit groups ${allowed.join(', ')}; ${caller.actor} is in ${groups.length === 0 ? 'none of them (no groups known)' : `${groups.join(', ')}`}`;
  };
}
