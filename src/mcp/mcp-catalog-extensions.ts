// What an MCP server offers beside the tools: the resources (policies, groups, the mesh summary) and
// the prompts of prompts/. One place, so stdio and HTTP servers offer the same.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

import type { Copilot } from '../copilot/copilot.js';
import { registerMcpPrompts } from './mcp-prompts.js';
import { registerMcpResources } from './mcp-resources.js';

export function extendMcpServer(server: McpServer, copilot: Copilot): void {
  registerMcpResources(server, copilot);
  registerMcpPrompts(server);
}
