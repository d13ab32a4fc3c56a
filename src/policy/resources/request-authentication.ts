// RequestAuthentication (security.istio.io v1 and v1beta1): which JWTs a workload accepts and where
// it looks for them. Structure only, as the published CRD describes it; rules live in src/policy/validate.
import { z } from 'zod';

import { PolicyTargetReferenceSchema, WorkloadSelectorSchema } from './workload-selector.js';

export const JwtHeaderSchema = z.strictObject({ name: z.string(), prefix: z.string().optional() });
export const ClaimToHeaderSchema = z.strictObject({ header: z.string(), claim: z.string() });

export const JwtRuleSchema = z.strictObject({
  issuer: z.string().optional(),
  audiences: z.array(z.string()).optional(),
  jwksUri: z.string().optional(),
  jwks_uri: z.string().optional(),
  jwks: z.string().optional(),
  fromHeaders: z.array(JwtHeaderSchema).optional(),
  fromParams: z.array(z.string()).optional(),
  fromCookies: z.array(z.string()).optional(),
  outputPayloadToHeader: z.string().optional(),
  forwardOriginalToken: z.boolean().optional(),
  outputClaimToHeaders: z.array(ClaimToHeaderSchema).optional(),
  timeout: z.string().optional(),
  spaceDelimitedClaims: z.array(z.string()).optional(),
});
export type JwtRule = z.infer<typeof JwtRuleSchema>;

export const RequestAuthenticationSpecSchema = z.strictObject({
  selector: WorkloadSelectorSchema.optional(),
  targetRef: PolicyTargetReferenceSchema.optional(),
  targetRefs: z.array(PolicyTargetReferenceSchema).optional(),
  jwtRules: z.array(JwtRuleSchema).optional(),
});
export type RequestAuthenticationSpec = z.infer<typeof RequestAuthenticationSpecSchema>;
