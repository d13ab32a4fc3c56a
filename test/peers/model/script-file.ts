// Reads a script for the standalone model peer from a JSON file (env GIC_MODEL_SCRIPT): either an array of
// steps or `{"models": [...], "steps": [...]}`. Steps are those of script-step.ts without `match`
// predicates, which JSON cannot carry. Rejects unknown kinds and fields so a typo fails at start-up.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ScriptStep } from './script-step.js';

const StreamBehaviourSchema = z.strictObject({
  chunkChars: z.int().positive().optional(),
  chunkDelayMs: z.number().nonnegative().optional(),
  stopAfterChunks: z.int().nonnegative().optional(),
  stopWith: z.enum(['close', 'reset', 'end', 'error-event']).optional(),
});

const common = {
  label: z.string().optional(),
  delayMs: z.number().nonnegative().optional(),
};

const answerCommon = {
  ...common,
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']).optional(),
  reasoningContent: z.string().optional(),
  usage: z.strictObject({ prompt_tokens: z.int().nonnegative().optional(), completion_tokens: z.int().nonnegative().optional() }).optional(),
  stream: StreamBehaviourSchema.optional(),
};

/** One step of a script file. */
export const ScriptFileStepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('text'), text: z.string(), ...answerCommon }),
  z.strictObject({ kind: z.literal('json'), value: z.unknown().refine((value) => value !== undefined, 'value is required'), ...answerCommon }),
  z.strictObject({ kind: z.literal('raw-content'), content: z.string(), ...answerCommon }),
  z.strictObject({
    kind: z.literal('tool-calls'),
    calls: z.array(
      z.strictObject({
        id: z.string().optional(),
        name: z.string(),
        arguments: z.union([z.string(), z.record(z.string(), z.unknown())]),
      }),
    ),
    content: z.string().optional(),
    ...answerCommon,
  }),
  z.strictObject({
    kind: z.literal('http-error'),
    status: z.int().min(400).max(599),
    message: z.string().optional(),
    body: z.unknown().optional(),
    retryAfter: z.union([z.number().nonnegative(), z.string()]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    ...common,
  }),
  z.strictObject({ kind: z.literal('disconnect'), how: z.enum(['reset', 'close']).optional(), ...common }),
]);

/** A script file: a bare array of steps, or steps with the model ids to serve. */
export const ScriptFileSchema = z.union([
  z.array(ScriptFileStepSchema),
  z.strictObject({ models: z.array(z.string().min(1)).min(1).optional(), steps: z.array(ScriptFileStepSchema) }),
]);

export interface LoadedScript {
  readonly models: readonly string[] | undefined;
  readonly steps: readonly ScriptStep[];
}

/** Reads and validates a script file; throws with the file name and the first problem. */
export async function loadScriptFile(path: string): Promise<LoadedScript> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`cannot read model script ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = ScriptFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid model script ${path}: ${z.prettifyError(parsed.error)}`);
  const file = parsed.data;
  const steps: readonly ScriptStep[] = Array.isArray(file) ? file : file.steps;
  return { models: Array.isArray(file) ? undefined : file.models, steps };
}
