// The MCP server factory: one McpServer from the tool catalog, for one caller. stdio builds one for the
// process; Streamable HTTP (stateless) builds one per request, so nothing leaks between clients. Tools
// are served through the low-level handlers so that every call, also one with invalid arguments or a
// refused one, goes through tool-call-pipeline.ts (authorization, validation, audit, metrics);
// resources and prompts are registered on the McpServer (mcp-resources.ts, mcp-prompts.ts).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

import { annotationsOf, type Confirmation, type ToolCaller, type ToolDefinition } from '../../tools/define-tool.js';
import { callTool, type ToolCallDeps } from './tool-call-pipeline.js';

export interface McpServerOptions extends ToolCallDeps {
  /** The tools to serve (already filtered by toolsets and read-only mode). */
  readonly tools: readonly ToolDefinition[];
  readonly version: string;
  /** Adds resources and prompts to a new server (composition root). */
  readonly extend?: (server: McpServer, caller: ToolCaller) => void;
  /** A tool call's deadline in ms (default 180 s): then its signal aborts. */
  readonly callTimeoutMs?: number;
}

/** Per server instance: a signal that cancels its calls from outside (stateless HTTP cancellation). */
export interface McpServerInstanceOptions {
  readonly cancel?: AbortSignal;
  /**
   * Leave out resources and prompts (`extend`): a stateless HTTP server built for one `tools/*` request
   * never serves them, and registering them costs more than the call.
   */
  readonly toolsOnly?: boolean;
}

const INSTRUCTIONS =
  'gic answers questions about the Istio AuthorizationPolicies of a mesh and the Gerrit groups they name, and proposes verified policy changes. ' +
  'Decisions come from a deterministic engine: quote them, never guess. Start with mesh_summary for names; policy_check_access answers "can X reach Y"; ' +
  'policy_propose turns a structured intent into a verified proposal; policy_submit_for_review opens a Gerrit change for review (it never applies anything to a cluster).';

/** JSON Schema of a tool (draft-07, as the SDK's own registerTool emits). */
export function toolListing(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: z.toJSONSchema(tool.input, { target: 'draft-7', io: 'input' }) as Tool['inputSchema'],
    outputSchema: z.toJSONSchema(tool.output, { target: 'draft-7', io: 'output' }) as Tool['outputSchema'],
    annotations: annotationsOf(tool),
  };
}

/** One JSON Schema validator (elicitation answers) for every server instance: building one costs more than a call. */
const sharedValidator = new AjvJsonSchemaValidator();

/** Listings per catalog: JSON Schema generation is done once, not per HTTP request. */
const listings = new WeakMap<readonly ToolDefinition[], Tool[]>();

function listingOf(tools: readonly ToolDefinition[]): Tool[] {
  let listing = listings.get(tools);
  if (listing === undefined) {
    listing = tools.map(toolListing);
    listings.set(tools, listing);
  }
  return listing;
}

export function createMcpServer(options: McpServerOptions, caller: ToolCaller, instance: McpServerInstanceOptions = {}): McpServer {
  const server = new McpServer({ name: 'gic', title: 'Gerrit Istio Copilot', version: options.version }, { capabilities: { tools: { listChanged: false }, logging: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: sharedValidator });
  const byName = new Map(options.tools.map((t) => [t.name, t]));
  const listing = listingOf(options.tools);
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listing }));
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    if (tool === undefined) {
      return { content: [{ type: 'text', text: `unknown tool "${request.params.name}"; the tools are ${[...byName.keys()].join(', ')}` }], isError: true };
    }
    const progressToken = request.params._meta?.progressToken;
    let last = -Infinity;
    const elicitation = server.server.getClientCapabilities()?.elicitation;
    const signals = [extra.signal, AbortSignal.timeout(options.callTimeoutMs ?? 180_000), ...(instance.cancel !== undefined ? [instance.cancel] : [])];
    const signal = AbortSignal.any(signals);
    return callTool(options, tool, request.params.arguments, caller, {
      signal,
      progress: (event) => {
        // Progress must increase; the client asked for it with a token.
        if (progressToken === undefined || event.progress <= last || signal.aborted) return;
        last = event.progress;
        void extra
          .sendNotification({ method: 'notifications/progress', params: { progressToken, progress: event.progress, ...(event.total !== undefined ? { total: event.total } : {}), ...(event.message !== undefined ? { message: event.message } : {}) } })
          .catch(() => undefined);
      },
      ...(elicitation !== undefined
        ? {
            confirm: async (message: string): Promise<Confirmation> => {
              const answer = await server.server.elicitInput(
                { mode: 'form', message, requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', title: 'Open the change for review', description: 'Yes: open the Gerrit change now' } }, required: ['confirm'] } },
                { signal },
              );
              if (answer.action !== 'accept') return answer.action;
              return answer.content?.['confirm'] === true ? 'accept' : 'decline';
            },
          }
        : {}),
    });
  });
  if (instance.toolsOnly !== true) options.extend?.(server, caller);
  return server;
}
