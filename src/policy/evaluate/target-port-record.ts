// What a decision without trace needs about one (proxy, destination port, protocol hint), resolved once
// and cached on the ProxyTarget: the inferred protocol, which path the request takes (no proxy, the
// ambient path, or an Envoy proxy), the mTLS outcome on that port, and the Envoy DENY/ALLOW rules that
// can match on that port with their (shared, immutable) decision reasons. Data only: built and read
// by evaluate-request.ts; it must not hold anything that depends on the caller or the request body.
import type { DecisionReason } from './decision.js';
import type { EnvoyPolicies } from './compile-mesh.js';
import type { Pred } from './predicate.js';
import type { InferredProtocol } from './protocol-inference.js';

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
  readonly inferred: InferredProtocol;
  readonly http: boolean;
  readonly route: Route;
  /** ENVOY, not a gateway: the effective mTLS mode is DISABLE (a peer identity is dropped). */
  readonly mtlsDisable: boolean;
  /** ENVOY, not a gateway: the reason a plaintext connection is rejected (STRICT), else undefined. */
  readonly plaintextDenied: DecisionReason | undefined;
  /** CUSTOM rules that can match on this port (flattened in evaluation order) with their reasons. */
  readonly customMatch: readonly Pred[];
  readonly customReasons: readonly DecisionReason[];
  /** A matching CUSTOM rule denies (bad provider setup) rather than calling `customProvider`. */
  readonly customDenies: boolean;
  readonly customProvider: string | undefined;
  /** ENVOY: the proxy's policies; undefined otherwise. */
  readonly policies: EnvoyPolicies | undefined;
  /** Enforced DENY rules that can match on this port, in evaluation order, with their reasons. */
  readonly denyMatch: readonly Pred[];
  readonly denyReasons: readonly DecisionReason[];
  /** Whether an enforced ALLOW layer exists (else: allowed after DENY). */
  readonly hasAllowLayer: boolean;
  readonly allowMatch: readonly Pred[];
  readonly allowReasons: readonly DecisionReason[];
  /** The reasons of a default deny. */
  readonly defaultDeny: readonly DecisionReason[];
}
