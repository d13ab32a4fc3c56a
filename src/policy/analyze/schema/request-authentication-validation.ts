// schema.RequestAuthenticationValidation (GIC300): CRD schema, CEL and istiod webhook errors of a
// RequestAuthentication (warnings, e.g. private keys in inline JWKS, keep the code at level warning).
import { defineAnalyzer } from '../analyzer.js';
import { reportValidation } from './report-validation.js';

export const requestAuthenticationValidation = defineAnalyzer({
  metadata: {
    name: 'schema.RequestAuthenticationValidation',
    description: 'RequestAuthentication validation errors of the CRD schema, its CEL rules and the istiod webhook',
    inputs: ['Validation'],
    codes: ['GIC300'],
    subject: 'Document',
  },
  analyze(ctx, v) {
    if (v.ref.kind === 'RequestAuthentication') reportValidation(ctx, v, 'GIC300', 'GIC300');
  },
});
