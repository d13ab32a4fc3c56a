// The workload selector and policy target reference shared by the three Istio security kinds
// (istio.io/api type/v1beta1/selector.proto), as the published CRD describes them.
import { z } from 'zod';

/** `selector`: labels that must all be present on a workload for the policy to select it. */
export const WorkloadSelectorSchema = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
});
export type WorkloadSelector = z.infer<typeof WorkloadSelectorSchema>;

/** `targetRef` / `targetRefs[]`: attachment to a Gateway, GatewayClass, Service or ServiceEntry. */
export const PolicyTargetReferenceSchema = z.strictObject({
  group: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});
export type PolicyTargetReference = z.infer<typeof PolicyTargetReferenceSchema>;
