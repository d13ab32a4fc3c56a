// The policies one proxy enforces, as compiled data: an AuthorizationPolicy compiled for every filter
// chain (CompiledAuthorizationPolicy), the buckets of one Envoy proxy (EnvoyPolicies) and of ztunnel
// (ZtunnelPolicies), ext-authz providers, and the per-proxy rule lists built on first use for decisions.
// Types only: compile-mesh.ts builds them, the evaluation stages read them.
import type { AuthorizationAction } from '../resources/authorization-policy.js';
import type { AuthorizationPolicy } from '../resources/mesh.js';
import type { PolicyTargetReference } from '../resources/workload-selector.js';
import type { DecisionReason } from './decision.js';
import type { CompiledRuleSet } from './envoy-rules.js';
import type { MergedJwtRule } from './jwt-authentication.js';
import type { GuardedRules } from './rule-guard.js';
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
  /** Decision reasons naming this policy, built once each (decision-reasons.ts `reasonFor`). */
  readonly reasonCache: Map<number, DecisionReason>;
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
  /** `namespace/name` of the RequestAuthentications whose jwtRules are merged into `jwtRules`. */
  readonly requestAuthentications: readonly string[];
  /** Per filter chain and destination port, the rules a decision scans, built on first use (envoy-chain.ts). */
  readonly chains: Map<number, EnvoyChain>;
}

/** The policies ztunnel enforces for one ambient workload (no targetRefs; ALLOW and DENY only). */
export interface ZtunnelPolicies {
  readonly deny: readonly CompiledAuthorizationPolicy[];
  readonly allow: readonly CompiledAuthorizationPolicy[];
  /** Policies that select the workload but that ztunnel does not enforce, with the reason. */
  readonly ignored: readonly CompiledAuthorizationPolicy[];
  /** Per destination port, the rules a decision scans, built on first use (stages/ztunnel.ts). */
  readonly chains: Map<number, ZtunnelChain>;
}

/** What the CUSTOM stage of one Envoy proxy does on one filter chain (stages/custom.ts `customSetup`). */
export interface CustomSetup {
  /**
   * `none`: no CUSTOM policy applies; `ignored`: the provider is an HTTP one on a TCP filter chain;
   * `deny`: the provider setup is unusable and every CUSTOM rule becomes a DENY rule; `provider`: a
   * matching rule calls the provider, which decides.
   */
  readonly kind: 'none' | 'ignored' | 'deny' | 'provider';
  /** `deny`: why the CUSTOM rules become DENY rules. */
  readonly bad: string | undefined;
  /** `ignored` and `provider`: the provider. */
  readonly provider: ProviderInfo | undefined;
}

/**
 * One Envoy proxy's rules on one filter chain and destination port, as a decision scans them: the CUSTOM
 * rules, then the enforced DENY rules from `denyStart`, then the enforced ALLOW rules from `allowStart`,
 * each list in evaluation order (policy order, then rule order) without the rules that cannot match on
 * that port, with their rule guards (rule-guard.ts) and, as values, the (shared, immutable) reason when
 * the rule is the first match of its stage. Built once (envoy-chain.ts); both the hot and the traced
 * evaluation read it, so they find the same first match.
 */
export interface EnvoyChain {
  readonly policies: EnvoyPolicies;
  /** An HTTP (http or grpc) filter chain rather than a TCP one. */
  readonly http: boolean;
  readonly custom: CustomSetup;
  readonly rules: GuardedRules<DecisionReason>;
  /** The policy of each rule of `rules`, by rule number (the trace names the policies that did not match). */
  readonly owners: readonly CompiledAuthorizationPolicy[];
  readonly denyStart: number;
  readonly allowStart: number;
  /** An enforced ALLOW policy applies (else a request that nothing denies is allowed). */
  readonly hasAllowLayer: boolean;
  /** The reasons of a default deny (no enforced ALLOW rule matches), in `allowEnforced` order. */
  readonly defaultDeny: readonly DecisionReason[];
  /** Some rule reads a source, remote or destination IP (else the request's addresses need not be parsed). */
  readonly readsIps: boolean;
}

/** ztunnel's rules for one ambient workload and destination port, as EnvoyChain: DENY, then ALLOW from `allowStart`. */
export interface ZtunnelChain {
  readonly policies: ZtunnelPolicies;
  readonly rules: GuardedRules<DecisionReason>;
  readonly owners: readonly CompiledAuthorizationPolicy[];
  readonly allowStart: number;
  readonly hasAllowLayer: boolean;
  readonly defaultDeny: readonly DecisionReason[];
  readonly readsIps: boolean;
}
