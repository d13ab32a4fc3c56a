// The shape of one tool of the catalog (docs/style.md "The tool catalog"): name, title, a description
// written so that small local models pick the right tool, its toolset, its effect, zod input and output
// schemas and a handler that calls src/copilot through a ToolContext. The four MCP annotation hints are
// derived from the effect in one place. Nothing here knows a transport: src/mcp registers the catalog
// over MCP, chat and the review bot offer the same definitions to the in-cluster model.
import type { z } from 'zod';

import type { Copilot } from '../src/copilot/copilot.js';
import type { CallContext } from '../src/copilot/deps.js';
import type { Logger } from '../src/log.js';

/** Toolsets (`--toolsets gerrit,mesh,policy,review`), as github-mcp-server and kubernetes-mcp-server offer. */
export const TOOLSETS = ['gerrit', 'mesh', 'policy', 'review'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** What a call does to the world: `read` changes nothing; `write` adds (a Gerrit change for review). */
export type ToolEffect = 'read' | 'write' | 'destructive';

/** Who may call a tool, by the caller's Gerrit groups (src/mcp/tool-authorization.ts decides). */
export type ToolAccess = 'read' | 'propose' | 'submit';

export interface ToolAnnotations {
  readonly title: string;
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: boolean;
}

/** The caller as a tool sees it: who (the audit log's actor) and their Gerrit groups. */
export interface ToolCaller {
  readonly actor: string;
  readonly groups: readonly string[];
}

/** The answer of a person asked to confirm a write (MCP elicitation). */
export type Confirmation = 'accept' | 'decline' | 'cancel';

export interface ToolProgress {
  readonly progress: number;
  readonly total?: number;
  readonly message?: string;
}

export interface ToolContext {
  readonly copilot: Copilot;
  readonly caller: ToolCaller;
  readonly logger: Logger;
  /** Fires when the client cancels the call (or the transport closes). */
  readonly signal: AbortSignal;
  /** The CallContext to hand to the copilot: actor, audit action, signal, progress. */
  readonly call: CallContext;
  /** Reports progress to the client (a no-op when it asked for none). */
  progress(event: ToolProgress): void;
  /** Asks the person to confirm; absent when the client cannot be asked (no elicitation). */
  readonly confirm?: (message: string) => Promise<Confirmation>;
}

/** `T` with every array and object read-only: use cases return read-only values. */
export type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** What a handler returns: a value matching `output` and a short text rendering for people and models. */
export interface ToolOutcome<O> {
  readonly value: DeepReadonly<O>;
  readonly text: string;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** `<toolset>_<verb>[_<object>]`, stable (docs/cli.md "The service"). */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly toolset: Toolset;
  readonly effect: ToolEffect;
  /** Which configured groups may call it (default: `read` for read tools). */
  readonly access: ToolAccess;
  readonly input: I;
  readonly output: O;
  /** Calls src/copilot; throws AppError on failure (rendered as an `isError` result). */
  handler(input: z.output<I>, ctx: ToolContext): Promise<ToolOutcome<z.input<O>>>;
}

/** Identity function for type inference (docs/style.md, Playwright MCP's defineTool). */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return tool;
}

/** The MCP annotation hints of an effect (docs/style.md table): gic reaches only the mesh, Gerrit and its model. */
export function annotationsOf(tool: Pick<ToolDefinition, 'title' | 'effect'>): ToolAnnotations {
  return {
    title: tool.title,
    readOnlyHint: tool.effect === 'read',
    destructiveHint: tool.effect === 'destructive',
    idempotentHint: tool.effect === 'read',
    openWorldHint: false,
  };
}
