// The tool catalog as the chat loop sees it: the fields of a tools/ definition that matter for offering
// a tool to the in-cluster model and calling it (name, description, zod input schema, who may call it,
// handler). Structural, so src/chat does not import tools/: the composition roots (`gic serve`,
// `gic chat`) hand the catalog in, and the loop offers it as OpenAI function definitions.
import type { z } from 'zod';

import type { Copilot } from '../copilot/copilot.js';
import type { CallContext } from '../copilot/deps.js';
import type { Logger } from '../log.js';
import type { ToolDefinition } from '../model/chat-model.js';
import { jsonSchemaOf } from '../model/generate-object.js';

/** Who may call a tool, by the caller's groups (`read`, `propose`, `submit`). */
export type LoopToolAccess = 'read' | 'propose' | 'submit';

export interface LoopToolContext {
  readonly copilot: Copilot;
  readonly caller: { readonly actor: string; readonly groups: readonly string[] };
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly call: CallContext;
  progress(event: { readonly progress: number; readonly total?: number; readonly message?: string }): void;
}

export interface LoopTool {
  readonly name: string;
  readonly description: string;
  readonly access: LoopToolAccess;
  /** `read` changes nothing; anything else (a Gerrit change) is never offered to the model in chat. */
  readonly effect: 'read' | 'write' | 'destructive';
  readonly input: z.ZodType;
  handler(input: never, ctx: LoopToolContext): Promise<{ readonly value: unknown; readonly text: string }>;
}

/** The OpenAI `tools` entries for a catalog. */
export function modelToolDefinitions(tools: readonly LoopTool[]): ToolDefinition[] {
  return tools.map((t) => ({ name: t.name, description: t.description, parameters: jsonSchemaOf(t.input) }));
}
