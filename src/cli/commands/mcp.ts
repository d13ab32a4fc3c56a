// `gic mcp`: the MCP server over stdio (docs/cli.md "The service"): one client, the local user, who
// may call every tool (stdio uses no OAuth, as the MCP authorization spec says). stdout carries only
// the protocol; logs go to stderr. Runs until the client closes stdin or the process gets SIGTERM.
import type { Command } from '../command.js';
import { SERVICE_OPTIONS } from '../serve-options.js';
import { VERSION } from '../version.js';

export const mcpCommand: Command = {
  name: 'mcp',
  description: 'serve the tool catalog over MCP on stdio (for editors and agents that start gic themselves)',
  usage: 'gic mcp [--mesh PATH...] [--gerrit-url URL | --gerrit-snapshot PATH] [--toolsets LIST] [--read-only]',
  examples: ['gic mcp', 'gic mcp --mesh policies/ --gerrit-snapshot groups.yaml --read-only', 'npx @modelcontextprotocol/inspector --cli node bin/gic.js mcp --method tools/list'],
  options: SERVICE_OPTIONS,
  formats: ['json'],
  async run({ values, logger }) {
    const [{ openService }, { createMcpServer }, { StdioServerTransport }, { localActor }] = await Promise.all([
      import('../service-root.js'),
      import('../../mcp/create-mcp-server.js'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
      import('../copilot-context.js'),
    ]);
    const service = await openService(values, logger);
    const { extendMcpServer } = await import('../../mcp/mcp-catalog-extensions.js');
    try {
      const server = createMcpServer(
        { copilot: service.copilot, tools: service.tools, logger, version: VERSION, extend: (s) => extendMcpServer(s, service.copilot) },
        { actor: localActor(), groups: [] },
      );
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        process.stdin.once('end', () => resolve());
        process.on('SIGTERM', () => resolve());
        process.on('SIGINT', () => resolve());
      });
      await server.connect(transport);
      logger.info('serving MCP on stdio', { mesh: service.describe.mesh, groups: service.describe.groups, model: service.describe.model, tools: service.tools.length });
      await closed;
      await server.close();
    } finally {
      await service.close();
    }
    return { status: 'ok' };
  },
};
