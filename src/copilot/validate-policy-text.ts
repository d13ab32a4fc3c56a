// Validates policy YAML handed over as text (MCP `policy_validate`, chat): the `gic validate` report
// for one in-memory file. Pure.
import { validateSources } from '../policy/validate/validate-sources.js';
import type { ValidateReport } from '../policy/validate/validate-report.js';

/** The name results carry as `source` for text that came from no file. */
export const INLINE_FILE = 'input.yaml';

export function validatePolicyText(yaml: string, file = INLINE_FILE): ValidateReport {
  return validateSources([{ file, text: yaml }]);
}
