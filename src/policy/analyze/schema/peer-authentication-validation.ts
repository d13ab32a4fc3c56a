// schema.PeerAuthenticationValidation (GIC200): CRD schema, CEL and istiod webhook errors of a
// PeerAuthentication (warnings keep the code at level warning).
import { defineAnalyzer } from '../analyzer.js';
import { reportValidation } from './report-validation.js';

export const peerAuthenticationValidation = defineAnalyzer({
  metadata: {
    name: 'schema.PeerAuthenticationValidation',
    description: 'PeerAuthentication validation errors of the CRD schema, its CEL rules and the istiod webhook',
    inputs: ['Validation'],
    codes: ['GIC200'],
    subject: 'Document',
  },
  analyze(ctx, v) {
    if (v.ref.kind === 'PeerAuthentication') reportValidation(ctx, v, 'GIC200', 'GIC200');
  },
});
