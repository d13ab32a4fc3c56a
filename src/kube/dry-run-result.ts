// The `gic dry-run -o json` contract (docs/cli.md): one result per Istio security resource of the
// input, with the verdict, the mode that produced it and errors/warnings with dotted field paths.
// Types and zod schemas only.
import { z } from 'zod';

export const DryRunIssueSchema = z.strictObject({
  /** Dotted field path such as `spec.rules[0].when[0].values[0]`; `` when the problem has no field. */
  field: z.string(),
  message: z.string(),
});
export type DryRunIssue = z.infer<typeof DryRunIssueSchema>;

export const DryRunModeSchema = z.enum(['server', 'offline']);
export type DryRunMode = z.infer<typeof DryRunModeSchema>;

export const DryRunResultSchema = z.strictObject({
  /** `file.yaml:12`: the file and the first line of the document. */
  source: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  accepted: z.boolean(),
  mode: DryRunModeSchema,
  errors: z.array(DryRunIssueSchema),
  warnings: z.array(DryRunIssueSchema),
});
export type DryRunResult = z.infer<typeof DryRunResultSchema>;

/** docs/input-errors.md: what could not be read as a cluster would read it. */
export const InputErrorSchema = z.strictObject({ file: z.string(), line: z.number().int(), field: z.string(), rule: z.string(), message: z.string() });

export const DryRunReportSchema = z.strictObject({
  /** The mode the command ran in and why (`gic dry-run` says so when no cluster was configured). */
  mode: DryRunModeSchema.optional(),
  modeReason: z.string().optional(),
  results: z.array(DryRunResultSchema),
  /** `gic dry-run`: input errors of the files and of the --mesh snapshot. */
  inputErrors: z.array(InputErrorSchema).optional(),
});
export type DryRunReport = z.infer<typeof DryRunReportSchema>;
