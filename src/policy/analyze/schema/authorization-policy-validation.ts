// schema.AuthorizationPolicyValidation (GIC100, GIC101): every CRD schema, CEL and istiod webhook error
// and warning of an AuthorizationPolicy, as `gic validate` finds them (istioctl IST0106 / IST0133).
import { defineAnalyzer } from '../analyzer.js';
import { reportValidation } from './report-validation.js';

export const authorizationPolicyValidation = defineAnalyzer({
  metadata: {
    name: 'schema.AuthorizationPolicyValidation',
    description: 'AuthorizationPolicy validation errors (GIC100) and warnings (GIC101) of the CRD schema, its CEL rules and the istiod webhook',
    inputs: ['Validation'],
    codes: ['GIC100', 'GIC101'],
    subject: 'Document',
  },
  analyze(ctx, v) {
    if (v.ref.kind === 'AuthorizationPolicy') reportValidation(ctx, v, 'GIC100', 'GIC101');
  },
});
