// PeerAuthentication (security.istio.io v1 and v1beta1): the mTLS mode a workload accepts, per port.
// Structure only, as the published CRD describes it; rules live in src/policy/validate.
import { z } from 'zod';

import { WorkloadSelectorSchema } from './workload-selector.js';

export const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];

export const MutualTlsSchema = z.strictObject({ mode: z.enum(MTLS_MODES).optional() });

export const PeerAuthenticationSpecSchema = z.strictObject({
  selector: WorkloadSelectorSchema.optional(),
  mtls: MutualTlsSchema.optional(),
  /** Keys are workload (container) port numbers, as strings in YAML/JSON. */
  portLevelMtls: z.record(z.string(), MutualTlsSchema).optional(),
});
export type PeerAuthenticationSpec = z.infer<typeof PeerAuthenticationSpecSchema>;
