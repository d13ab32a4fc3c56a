// Output-schema pieces several tools share: the input-error entry of docs/input-errors.md, the mesh a
// result was computed on, and loose objects for engine values whose full shape is pinned elsewhere (the
// `gic` JSON contract in docs/cli.md). Loose objects accept the engine's extra keys, so a result never
// fails the client's output validation when the engine adds a key.
import { z } from 'zod';

export const InputErrorSchema = z.object({
  file: z.string(),
  line: z.number(),
  field: z.string(),
  rule: z.string(),
  message: z.string(),
});

export const InputErrorsSchema = z.array(InputErrorSchema).describe('mesh input errors (docs/input-errors.md); when non-empty the answer is not usable as it is');

export const MeshRefSchema = z.object({ origin: z.string(), resourceVersion: z.string() });

export const DecisionReasonSchema = z.object({ policy: z.string(), action: z.string(), rule: z.number().optional(), message: z.string() });

/** `allowInputErrors`: the MCP counterpart of `--allow-input-errors`. */
export const AllowInputErrorsSchema = z
  .boolean()
  .optional()
  .describe('answer even when the mesh has input errors (they are still listed); without it such an answer is an error');

/**
 * A JSON object whose full shape the engine pins elsewhere (a diff change, a finding, an intent): listed
 * as `{"type": "object"}` in the output schema, typed as `T` for the handler, passed through unchanged.
 */
export function jsonObject<T extends object>(description?: string): z.ZodType<T> {
  const schema = z.looseObject({});
  return (description === undefined ? schema : schema.describe(description)) as unknown as z.ZodType<T>;
}
