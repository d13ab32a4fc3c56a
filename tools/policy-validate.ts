// policy_validate: Istio security resources (YAML) checked against the CRD schema, its CEL rules and
// istiod's validating webhook rules, offline (`gic validate`).
import { z } from 'zod';

import { validatePolicyText } from '../src/copilot/validate-policy-text.js';
import { ValidateReportSchema } from '../src/policy/validate/validate-report.js';
import { defineTool } from './define-tool.js';

export const policyValidate = defineTool({
  name: 'policy_validate',
  title: 'Validate policy YAML',
  description:
    'Use for "is this YAML valid?" on AuthorizationPolicy, PeerAuthentication or RequestAuthentication YAML (one or more documents): checks it as the Kubernetes API server and istiod would (CRD schema, CEL and webhook rules), each error with field, line and fix. Arguments: {"yaml":"<the YAML text>"}. Only reads.',
  toolset: 'policy',
  effect: 'read',
  access: 'read',
  input: z.object({ yaml: z.string().min(1).max(1_000_000).describe('the YAML text (multi-document allowed)') }),
  output: ValidateReportSchema.extend({ valid: z.boolean() }),
  handler: (input) => {
    const report = validatePolicyText(input.yaml);
    const valid = report.summary.errors === 0 && report.resources.length > 0;
    const lines = report.resources.flatMap((r) => [
      `${r.kind} ${r.namespace}/${r.name} (${r.source}): ${r.errors.length === 0 ? 'valid' : `${r.errors.length} error(s)`}`,
      ...r.errors.map((e) => `  error line ${e.line} ${e.field}: ${e.message} [${e.rule}]`),
      ...r.warnings.map((e) => `  warning line ${e.line} ${e.field}: ${e.message} [${e.rule}]`),
    ]);
    const text = report.resources.length === 0 ? 'no Istio security resource in the YAML: nothing was validated' : `${valid ? 'VALID' : 'INVALID'}: ${report.summary.resources} resource(s), ${report.summary.errors} error(s), ${report.summary.warnings} warning(s)\n${lines.join('\n')}`;
    return Promise.resolve({ value: { ...report, valid }, text });
  },
});
