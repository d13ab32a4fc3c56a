// RFC 9728 Protected Resource Metadata for /mcp (MCP authorization spec): served at the path-inserted
// well-known URI (`/.well-known/oauth-protected-resource/mcp`) and at the root one, naming the resource
// (`<publicUrl>/mcp`), the authorization server (the OIDC issuer), bearer tokens in the header only, and
// the scopes gic asks for.
import { Hono } from 'hono';

import type { GicEnv } from './http-env.js';

export interface ResourceMetadata {
  /** `<publicUrl>/mcp`. */
  readonly resource: string;
  readonly issuer: string;
  readonly scopes: readonly string[];
}

export const PRM_PATH = '/.well-known/oauth-protected-resource';

/** The PRM URL for the 401 challenge: the path-inserted form for `/mcp`. */
export function resourceMetadataUrl(publicUrl: string): string {
  return `${publicUrl}${PRM_PATH}/mcp`;
}

export function createResourceMetadataRoutes(meta: ResourceMetadata): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  const body = {
    resource: meta.resource,
    authorization_servers: [meta.issuer],
    bearer_methods_supported: ['header'],
    ...(meta.scopes.length > 0 ? { scopes_supported: meta.scopes } : {}),
    resource_name: 'gic (Gerrit Istio Copilot) MCP server',
  };
  const answer = (c: { json: (b: unknown, s: 200, h: Record<string, string>) => Response }): Response => c.json(body, 200, { 'cache-control': 'max-age=300' });
  app.get(PRM_PATH, (c) => answer(c));
  app.get(`${PRM_PATH}/mcp`, (c) => answer(c));
  return app;
}
