// What a decision without trace needs about one (proxy, destination port, protocol hint), resolved once
// and cached on the ProxyTarget: the inferred protocol, which path the request takes (no proxy, the
// ambient path, or an Envoy proxy), the mTLS outcome on that port, and the Envoy CUSTOM/DENY/ALLOW
// rules that can match on that port, flattened into one list with their rule guards (rule-guard.ts)
// and (shared, immutable) decision reasons. Data only: built and read by evaluate-request.ts; it must
// not hold anything that depends on the caller or the request body.
import type { Protocol } from './access-request.js';
import type { DecisionReason } from './decision.js';
import type { EnvoyPolicies } from './proxy-policies.js';
import type { MergedJwtRule } from './jwt-authentication.js';
import type { InferredProtocol } from './protocol-inference.js';
import type { GuardedRules } from './rule-guard.js';

/** How a request to this target and port is evaluated. */
export const ROUTE = {
  /** The target is not in the mesh: allowed, no proxy. */
  OPEN: 0,
  /** Ambient workload: waypoint and/or ztunnel (the general path). */
  AMBIENT: 1,
  /** Sidecar, gateway or waypoint addressed directly: one Envoy proxy. */
  ENVOY: 2,
} as const;
export type Route = (typeof ROUTE)[keyof typeof ROUTE];

export interface TargetPortRecord {
  /** `inferred.protocol`. */
  readonly protocol: Protocol;
  readonly inferred: InferredProtocol;
  readonly http: boolean;
  readonly route: Route;
  /** ENVOY, not a gateway: the effective mTLS mode is DISABLE (a peer identity is dropped). */
  readonly mtlsDisable: boolean;
  /** ENVOY, not a gateway: the reason a plaintext connection is rejected (STRICT), else undefined. */
  readonly plaintextDenied: DecisionReason | undefined;
  /** ENVOY: the proxy's policies; undefined otherwise. */
  readonly policies: EnvoyPolicies | undefined;
  /** `policies.jwtRules` (empty when not ENVOY). */
  readonly jwtRules: readonly MergedJwtRule[];
  /**
   * The CUSTOM rules, then the enforced DENY rules from `denyStart`, then the enforced ALLOW rules from
   * `allowStart`, that can match on this port, each list in evaluation order, with their guards
   * (rule-guard.ts) and, as values, the reason when the rule is the first match of its stage.
   */
  readonly rules: GuardedRules<DecisionReason>;
  readonly denyStart: number;
  readonly allowStart: number;
  /** A matching CUSTOM rule denies (bad provider setup) rather than calling `customProvider`. */
  readonly customDenies: boolean;
  readonly customProvider: string | undefined;
  /** Whether an enforced ALLOW layer exists (else: allowed after DENY). */
  readonly hasAllowLayer: boolean;
  /** The reasons of a default deny. */
  readonly defaultDeny: readonly DecisionReason[];
  /** Some rule reads a source, remote or destination IP (else the request's IPs need not be parsed). */
  readonly readsIps: boolean;
}
