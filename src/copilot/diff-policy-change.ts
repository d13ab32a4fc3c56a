// The access delta of policy YAML against the served mesh (MCP `policy_diff`): the change is reviewed as
// one added file on top of the current snapshot (review-change.ts: objects the YAML defines replace the
// mesh's objects of the same kind, namespace and name), so the diff, validation, dry-run and findings are
// exactly what the review bot would compute. Audited by the review use case.
import type { ReportedFinding } from '../policy/analyze/analyze-report.js';
import type { DiffReport } from '../policy/diff/access-diff.js';
import type { InputError } from '../policy/parse/input-errors.js';
import type { ValidateReport } from '../policy/validate/validate-report.js';
import type { Copilot } from './copilot.js';
import type { CallContext } from './deps.js';
import { requireMesh } from './require-deps.js';
import { INLINE_FILE } from './validate-policy-text.js';

export interface PolicyDiffResult extends DiffReport {
  readonly inputErrors: readonly InputError[];
  readonly validation: ValidateReport;
  /** Findings the change introduces. */
  readonly newFindings: readonly ReportedFinding[];
  readonly mesh: { readonly origin: string; readonly resourceVersion: string };
}

export async function diffPolicyChange(copilot: Copilot, input: { readonly yaml: string }, ctx: CallContext): Promise<PolicyDiffResult> {
  const view = requireMesh(copilot.deps);
  const base = view.snapshot();
  const review = await copilot.review({ base, files: [{ path: INLINE_FILE, after: input.yaml }] }, ctx);
  return {
    changes: review.diff.changes,
    summary: review.diff.summary,
    inputErrors: review.inputErrors,
    validation: review.validation,
    newFindings: review.newFindings,
    mesh: { origin: view.origin, resourceVersion: base.resourceVersion },
  };
}
