// Resources and prompts beside the tools (filled in by mcp-resources.ts and mcp-prompts.ts).
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

import type { Copilot } from '../copilot/copilot.js';

export function extendMcpServer(_server: McpServer, _copilot: Copilot): void {
  // resources and prompts are registered here
}
