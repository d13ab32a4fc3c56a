// MCP resources: the mesh's policies (`gic://policies/{namespace}/{name}`, YAML with its source) and
// Gerrit groups (`gic://groups/{name}`, JSON as gerrit_get_group answers), each a resource template
// with a list of the current ones, plus `gic://mesh/summary`. A name that does not exist is the MCP
// "resource not found" error (-32002).
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

import type { Copilot } from '../copilot/copilot.js';
import { getGroup, listGroups } from '../copilot/gerrit-groups.js';
import { meshSummary } from '../copilot/mesh-summary.js';
import { getPolicy, listPolicies } from '../copilot/mesh-policies.js';
import { AppError } from '../errors.js';

const RESOURCE_NOT_FOUND = -32002;

function notFound(error: unknown): never {
  if (AppError.isInstance(error) && error.code === 'not-found') throw new McpError(RESOURCE_NOT_FOUND, error.message);
  throw error;
}

function one(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export function registerMcpResources(server: McpServer, copilot: Copilot): void {
  const deps = copilot.deps;
  server.registerResource('mesh-summary', 'gic://mesh/summary', { title: 'Mesh summary', description: 'namespaces, workloads, mTLS modes, policy coverage (as mesh_summary answers)', mimeType: 'application/json' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(meshSummary(deps), null, 2) }],
  }));
  server.registerResource(
    'policy',
    new ResourceTemplate('gic://policies/{namespace}/{name}', {
      list: () => {
        const { policies } = listPolicies(deps, { kind: 'AuthorizationPolicy', limit: 200 });
        return { resources: policies.map((p) => ({ uri: `gic://policies/${p.namespace}/${p.name}`, name: `${p.namespace}/${p.name}`, title: `AuthorizationPolicy ${p.namespace}/${p.name} (${p.action ?? ''})`, mimeType: 'application/yaml' })) };
      },
    }),
    { title: 'AuthorizationPolicy', description: 'an AuthorizationPolicy of the mesh as YAML, with its source file and line', mimeType: 'application/yaml' },
    (uri, vars) => {
      try {
        const p = getPolicy(deps, { namespace: one(vars['namespace']), name: one(vars['name']), kind: 'AuthorizationPolicy' });
        return { contents: [{ uri: uri.href, mimeType: 'application/yaml', text: `# ${p.source.file}:${p.source.line}\n${p.yaml}` }] };
      } catch (error) {
        return notFound(error);
      }
    },
  );
  server.registerResource(
    'group',
    new ResourceTemplate('gic://groups/{name}', {
      list: async () => {
        if (deps.groups === undefined) return { resources: [] };
        const { groups } = await listGroups(deps, {});
        return { resources: groups.map((g) => ({ uri: `gic://groups/${encodeURIComponent(g.name)}`, name: g.name, title: `Gerrit group ${g.name} (${g.members} members)`, mimeType: 'application/json' })) };
      },
    }),
    { title: 'Gerrit group', description: 'a Gerrit group: owner, members (recursive), subgroups and the policies that name it', mimeType: 'application/json' },
    async (uri, vars) => {
      try {
        const g = await getGroup(deps, { group: decodeURIComponent(one(vars['name'])) });
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(g, null, 2) }] };
      } catch (error) {
        return notFound(error);
      }
    },
  );
}
