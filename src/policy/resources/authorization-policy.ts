// AuthorizationPolicy (security.istio.io v1 and v1beta1, identical schemas): the spec as the published
// CRD describes it, with unknown fields rejected as with fieldValidation=Strict. Validation rules beyond
// shape (CEL, istiod webhook) live in src/policy/validate; this file only describes the structure.
import { z } from 'zod';

import { PolicyTargetReferenceSchema, WorkloadSelectorSchema } from './workload-selector.js';

const strings = z.array(z.string());

/** `rules[].from[].source`: who sends the request. Present fields are ANDed, values within one ORed. */
export const SourceSchema = z.strictObject({
  principals: strings.optional(),
  notPrincipals: strings.optional(),
  requestPrincipals: strings.optional(),
  notRequestPrincipals: strings.optional(),
  namespaces: strings.optional(),
  notNamespaces: strings.optional(),
  serviceAccounts: strings.optional(),
  notServiceAccounts: strings.optional(),
  trustDomains: strings.optional(),
  notTrustDomains: strings.optional(),
  ipBlocks: strings.optional(),
  notIpBlocks: strings.optional(),
  remoteIpBlocks: strings.optional(),
  notRemoteIpBlocks: strings.optional(),
});
export type Source = z.infer<typeof SourceSchema>;

/** `rules[].to[].operation`: what the request does. */
export const OperationSchema = z.strictObject({
  hosts: strings.optional(),
  notHosts: strings.optional(),
  ports: strings.optional(),
  notPorts: strings.optional(),
  methods: strings.optional(),
  notMethods: strings.optional(),
  paths: strings.optional(),
  notPaths: strings.optional(),
});
export type Operation = z.infer<typeof OperationSchema>;

/** `rules[].when[]`: an extra condition on a request attribute. */
export const ConditionSchema = z.strictObject({
  key: z.string(),
  values: strings.optional(),
  notValues: strings.optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

export const RuleFromSchema = z.strictObject({ source: SourceSchema.optional() });
export const RuleToSchema = z.strictObject({ operation: OperationSchema.optional() });

/** One rule: FROM ∧ TO ∧ WHEN. */
export const RuleSchema = z.strictObject({
  from: z.array(RuleFromSchema).optional(),
  to: z.array(RuleToSchema).optional(),
  when: z.array(ConditionSchema).optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

export const AUTHORIZATION_ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const;
export type AuthorizationAction = (typeof AUTHORIZATION_ACTIONS)[number];

export const AuthorizationPolicySpecSchema = z.strictObject({
  selector: WorkloadSelectorSchema.optional(),
  targetRef: PolicyTargetReferenceSchema.optional(),
  targetRefs: z.array(PolicyTargetReferenceSchema).optional(),
  action: z.enum(AUTHORIZATION_ACTIONS).optional(),
  provider: z.strictObject({ name: z.string().optional() }).optional(),
  rules: z.array(RuleSchema).optional(),
});
export type AuthorizationPolicySpec = z.infer<typeof AuthorizationPolicySpecSchema>;
