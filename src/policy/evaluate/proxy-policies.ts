// The policies one proxy enforces, as compiled data: an AuthorizationPolicy compiled for every filter
// chain (CompiledAuthorizationPolicy), the buckets of one Envoy proxy (EnvoyPolicies) and of ztunnel
// (ZtunnelPolicies), ext-authz providers, and the per-proxy rule lists built on first use for decisions.
// Types only: compile-mesh.ts builds them, the evaluation stages read them.
import type { AuthorizationAction } from '../resources/authorization-policy.js';
import type { AuthorizationPolicy } from '../resources/mesh.js';
import type { PolicyTargetReference } from '../resources/workload-selector.js';
import type { DecisionReason } from './decision.js';
import type { CompiledRule, CompiledRuleSet } from './envoy-rules.js';
import type { MergedJwtRule } from './jwt-authentication.js';
import type { Pred } from './predicate.js';
import type { ZtunnelPolicy } from './ztunnel-rules.js';

/** One AuthorizationPolicy with its rules compiled for every filter chain. */
export interface CompiledAuthorizationPolicy {
  /** `namespace/name`. */
  readonly ref: string;
  readonly policy: AuthorizationPolicy;
  readonly action: AuthorizationAction;
  readonly dryRun: boolean;
  /** `provider.name` (CUSTOM). */
  readonly provider: string | undefined;
  readonly targetRefs: readonly PolicyTargetReference[];
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly ruleCount: number;
  readonly http: CompiledRuleSet;
  readonly tcp: CompiledRuleSet;
  /** The form ztunnel enforces; undefined when istiod does not send the policy to ztunnel. */
  readonly ztunnel: ZtunnelPolicy | undefined;
  /** Why the policy is not sent to ztunnel, when it is not. */
  readonly ztunnelSkip: string | undefined;
  /** Decision reasons naming this policy, built once each (see evaluate-request.ts `reasonFor`). */
  readonly reasonCache: Map<number, DecisionReason>;
}

/**
 * The enforced DENY and ALLOW rules of one proxy for one filter chain, flattened in evaluation order
 * (policy order, then rule order) with the policy of each rule: what a decision without trace scans.
 */
export interface EnvoyRulePlan {
  readonly denyRules: readonly CompiledRule[];
  readonly denyOwners: readonly CompiledAuthorizationPolicy[];
  readonly allowRules: readonly CompiledRule[];
  readonly allowOwners: readonly CompiledAuthorizationPolicy[];
  /** The reasons of a default deny (no enforced ALLOW rule matches), in `allowEnforced` order. */
  readonly defaultDeny: readonly DecisionReason[];
  /** Per destination port (-1: none), the rules whose `ports` admit it, built on first use. */
  readonly byPort: Map<number, EnvoyPortPlan>;
}

/** The rules of an EnvoyRulePlan that can match one destination port (same order), with their predicates. */
export interface EnvoyPortPlan {
  /** `denyRules[i].match` with the port known (PORT leaves folded away); rules that cannot match are absent. */
  readonly denyMatch: readonly Pred[];
  readonly allowMatch: readonly Pred[];
  readonly denyRules: readonly CompiledRule[];
  readonly denyOwners: readonly CompiledAuthorizationPolicy[];
  readonly allowRules: readonly CompiledRule[];
  readonly allowOwners: readonly CompiledAuthorizationPolicy[];
}

export interface ProviderInfo {
  readonly name: string;
  readonly kind: 'http' | 'grpc';
  /** Why istiod cannot use it; undefined when valid. */
  readonly error: string | undefined;
}

/** The policies one Envoy proxy (sidecar, gateway, waypoint for one Service) enforces. */
export interface EnvoyPolicies {
  readonly custom: readonly CompiledAuthorizationPolicy[];
  readonly audit: readonly CompiledAuthorizationPolicy[];
  readonly deny: readonly CompiledAuthorizationPolicy[];
  readonly allow: readonly CompiledAuthorizationPolicy[];
  /** `allow` without dry-run policies: the enforced ALLOW layer. */
  readonly allowEnforced: readonly CompiledAuthorizationPolicy[];
  /** Distinct `provider.name`s of the CUSTOM policies, sorted. */
  readonly customProviders: readonly string[];
  readonly jwtRules: readonly MergedJwtRule[];
  readonly requestAuthentications: readonly string[];
  /** Flattened rule plans for the HTTP [0] and TCP [1] filter chains, built on first use (evaluate-request.ts). */
  readonly plans: [EnvoyRulePlan | undefined, EnvoyRulePlan | undefined];
}

/** The policies ztunnel enforces for one ambient workload (no targetRefs; ALLOW and DENY only). */
export interface ZtunnelPolicies {
  readonly deny: readonly CompiledAuthorizationPolicy[];
  readonly allow: readonly CompiledAuthorizationPolicy[];
  /** Policies that select the workload but that ztunnel does not enforce, with the reason. */
  readonly ignored: readonly CompiledAuthorizationPolicy[];
}
