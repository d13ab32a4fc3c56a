// /mcp over Streamable HTTP, stateless (docs/cli.md "The service"): every POST gets its own McpServer
// and transport for the authenticated caller, so replicas scale behind a Service and no state is shared
// between clients (the SDK refuses to reuse a stateless transport). GET (the optional server-to-client
// stream) and DELETE (session end) answer 405: there are no sessions. Responses to requests are SSE
// streams, so progress notifications and elicitation reach the client within the call. Cancellation:
// a `notifications/cancelled` arrives in a POST of its own, so calls in flight are kept in a registry by
// caller and request id, and the notification aborts the caller's own call (never another caller's).
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono, type MiddlewareHandler } from 'hono';

import type { ToolDefinition } from '../../tools/define-tool.js';
import type { GicEnv } from '../http/http-env.js';
import { createMcpServer, type McpServerOptions } from './create-mcp-server.js';

export interface McpRouteOptions {
  /** The server options (tools, copilot, authorization, audit, metrics). */
  readonly server: McpServerOptions;
  /** Calls in flight, for graceful shutdown (counted from request to response end). */
  readonly inFlight?: { enter(): void; leave(): void };
  /** Middleware run before each /mcp request (per-identity rate limits). */
  readonly before?: readonly MiddlewareHandler<GicEnv>[];
}

const NOT_ALLOWED = { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless; send JSON-RPC requests with POST' }, id: null };

interface JsonRpcMessage {
  readonly method?: unknown;
  readonly id?: unknown;
  readonly params?: { readonly requestId?: unknown; readonly name?: unknown; readonly _meta?: { readonly progressToken?: unknown } };
}

function messagesOf(body: unknown): JsonRpcMessage[] {
  const list = Array.isArray(body) ? body : [body];
  return list.filter((m): m is JsonRpcMessage => typeof m === 'object' && m !== null);
}

const readToolSets = new WeakMap<readonly ToolDefinition[], ReadonlySet<string>>();

function readToolNames(tools: readonly ToolDefinition[]): ReadonlySet<string> {
  let names = readToolSets.get(tools);
  if (names === undefined) {
    names = new Set(tools.filter((t) => t.effect === 'read').map((t) => t.name));
    readToolSets.set(tools, names);
  }
  return names;
}

export function createMcpRoute(options: McpRouteOptions): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  /** `<actor>\0<JSON id>` -> the controller that cancels that call. */
  const running = new Map<string, AbortController>();
  const keyOf = (actor: string, id: unknown): string => `${actor}\0${JSON.stringify(id)}`;
  for (const m of options.before ?? []) app.use('/mcp', m);
  app.post('/mcp', async (c) => {
    const caller = c.get('caller');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not JSON' }, id: null }, 400);
    }
    const messages = messagesOf(body);
    const cancels = messages.filter((m) => m.method === 'notifications/cancelled');
    for (const m of cancels) running.get(keyOf(caller.actor, m.params?.requestId))?.abort(new Error('cancelled by the client'));
    if (cancels.length > 0 && cancels.length === messages.length) return c.body(null, 202);
    const cancel = new AbortController();
    const keys = messages.filter((m) => typeof m.method === 'string' && m.id !== undefined).map((m) => keyOf(caller.actor, m.id));
    for (const key of keys) running.set(key, cancel);
    // `initialize` advertises resources and prompts, so only pure tools requests skip registering them.
    const toolsOnly = messages.every((m) => typeof m.method !== 'string' || m.method.startsWith('tools/') || m.method.startsWith('notifications/') || m.method === 'ping');
    const server = createMcpServer(options.server, { actor: caller.actor, groups: caller.groups }, { cancel: cancel.signal, toolsOnly });
    // A plain JSON answer (no SSE stream) when nothing can be sent before it: a tools/list, or a call of a
    // read tool without a progress token (only writes ask the person through elicitation). Clients
    // must accept both forms (MCP transports); JSON costs the server less.
    const readTools = readToolNames(options.server.tools);
    const enableJsonResponse = messages.every((m) => m.method === 'tools/list' || (m.method === 'tools/call' && typeof m.params?.name === 'string' && readTools.has(m.params.name) && m.params._meta?.progressToken === undefined));
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse });
    options.inFlight?.enter();
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      for (const key of keys) if (running.get(key) === cancel) running.delete(key);
      options.inFlight?.leave();
      void server.close().catch(() => undefined);
    };
    try {
      await server.connect(transport);
      const response = await transport.handleRequest(c.req.raw, { parsedBody: body });
      if (response.body === null) {
        leave();
        return response;
      }
      // Keep the server until the streamed response is finished (or the client goes away).
      const done = new TransformStream<Uint8Array, Uint8Array>({ flush: leave });
      void response.body.pipeTo(done.writable).catch(leave);
      return new Response(done.readable, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      leave();
      throw error;
    }
  });
  app.get('/mcp', (c) => c.json(NOT_ALLOWED, 405, { allow: 'POST' }));
  app.delete('/mcp', (c) => c.json(NOT_ALLOWED, 405, { allow: 'POST' }));
  return app;
}
