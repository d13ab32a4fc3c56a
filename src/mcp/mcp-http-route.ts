// /mcp over Streamable HTTP, stateless (docs/cli.md "The service"): every POST gets its own McpServer
// and transport for the authenticated caller, so replicas scale behind a Service and no state is shared
// between clients (the SDK refuses to reuse a stateless transport). GET (the optional server-to-client
// stream) and DELETE (session end) answer 405: there are no sessions. Responses to requests are SSE
// streams, so progress notifications and elicitation reach the client within the call.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';

import type { GicEnv } from '../http/http-env.js';
import { createMcpServer, type McpServerOptions } from './create-mcp-server.js';

export interface McpRouteOptions {
  /** The server options (tools, copilot, authorization, audit, metrics). */
  readonly server: McpServerOptions;
  /** Calls in flight, for graceful shutdown (counted from request to response end). */
  readonly inFlight?: { enter(): void; leave(): void };
  readonly maxBodyBytes?: number;
}

const NOT_ALLOWED = { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless; send JSON-RPC requests with POST' }, id: null };

export function createMcpRoute(options: McpRouteOptions): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  app.post('/mcp', async (c) => {
    const caller = c.get('caller');
    const server = createMcpServer(options.server, { actor: caller.actor, groups: caller.groups });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, ...(options.maxBodyBytes !== undefined ? { maxRequestBodySize: options.maxBodyBytes } : {}) });
    options.inFlight?.enter();
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      options.inFlight?.leave();
      void server.close().catch(() => undefined);
    };
    try {
      await server.connect(transport);
      const response = await transport.handleRequest(c.req.raw);
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
