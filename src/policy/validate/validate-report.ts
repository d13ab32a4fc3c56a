// The `gic validate -o json` contract (docs/cli.md): one entry per Istio security resource (or per file
// with unreadable YAML), each with errors and warnings, plus summary counts. Types and zod schemas only.
import { z } from 'zod';

import { MechanicalEditSchema } from '../fix/mechanical-edit.js';

/** One finding: a stable rule id, the field path (cli.md form), its source line, a fix-it message, a mechanical edit. */
export const ValidationIssueSchema = z.strictObject({
  rule: z.string(),
  field: z.string(),
  line: z.number().int(),
  message: z.string(),
  /** The fix as an edit of the document, when it is mechanical (a misspelt field name). */
  edit: MechanicalEditSchema.optional(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

export const ValidatedResourceSchema = z.strictObject({
  /** `file.yaml:12`: the file and the first line of the document. */
  source: z.string(),
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  errors: z.array(ValidationIssueSchema),
  warnings: z.array(ValidationIssueSchema),
});
export type ValidatedResource = z.infer<typeof ValidatedResourceSchema>;

export const ValidateReportSchema = z.strictObject({
  resources: z.array(ValidatedResourceSchema),
  /** resources: entries in `resources`; errors / warnings: findings summed over all entries. */
  summary: z.strictObject({
    resources: z.number().int(),
    errors: z.number().int(),
    warnings: z.number().int(),
  }),
});
export type ValidateReport = z.infer<typeof ValidateReportSchema>;
