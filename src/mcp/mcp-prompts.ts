// MCP prompts from prompts/ (draft-policy, review-policy-change, explain-denial): templates a person
// picks in their client, which tell the agent's model how to use gic's tools. Rendered by the same
// renderer as the copilot's prompts, so the person's text arrives fenced as untrusted data.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

import { getPrompt } from '../copilot/prompt-catalog.js';
import { renderPrompt } from '../copilot/prompt-template.js';

/** The MCP prompts: name (= prompt id), version, argument and its description. */
export const MCP_PROMPTS = [
  { id: 'draft-policy', version: 1, title: 'Draft a policy change', argument: 'request', describe: 'who should (or should not) reach what, in your words' },
  { id: 'review-policy-change', version: 1, title: 'Review a policy change', argument: 'yaml', describe: 'the changed or new policy YAML' },
  { id: 'explain-denial', version: 1, title: 'Explain a denial', argument: 'request', describe: 'the request as JSON (policy_check_access shape) or in words' },
] as const;

/** Argument schemas, built once (a server is built per HTTP request). */
const ARGS = new Map(MCP_PROMPTS.map((p) => [p.id, { [p.argument]: z.string().describe(p.describe) }]));

export function registerMcpPrompts(server: McpServer): void {
  for (const p of MCP_PROMPTS) {
    const template = getPrompt(p);
    server.registerPrompt(p.id, { title: p.title, description: template.description, argsSchema: ARGS.get(p.id) ?? {} }, (args: Record<string, string | undefined>) => {
      const rendered = renderPrompt(template, { [p.argument]: args[p.argument] ?? '' });
      return {
        description: `${template.description} (${p.id} v${p.version})`,
        messages: rendered.messages.map((m) => ({ role: 'user' as const, content: { type: 'text' as const, text: m.content } })),
      };
    });
  }
}
