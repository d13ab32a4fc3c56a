// What a decision needs about one (proxy, destination port, protocol hint), resolved once and cached on
// the ProxyTarget (port-records.ts): the inferred protocol, which path the request takes (no proxy, the
// ambient path, or an Envoy proxy), the mTLS outcome on that port, and the rules the proxy scans
// (EnvoyChain, or ztunnel's ZtunnelChain). Data only; it must not hold anything that depends on the
// caller or the request body. All records have the same fields, so that the hot path reads one shape.
import type { Protocol } from './access-request.js';
import type { DecisionReason } from './decision.js';
import type { EffectiveMtls } from './mtls-mode.js';
import type { InferredProtocol } from './protocol-inference.js';
import type { EnvoyChain, ZtunnelChain } from './proxy-policies.js';

/** How a request to this target and port is evaluated. */
export const ROUTE = {
  /** The target is not in the mesh: allowed, no proxy. */
  OPEN: 0,
  /** Ambient workload: waypoint and/or ztunnel. */
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
  /**
   * The effective PeerAuthentication mode on this port (STRICT for a waypoint, which accepts HBONE
   * only); undefined on OPEN and for a gateway, to which PeerAuthentication does not apply.
   */
  readonly mtls: EffectiveMtls | undefined;
  /** ENVOY: the effective mode is DISABLE (a caller's identity is dropped). */
  readonly mtlsDisable: boolean;
  /** The reason a plaintext connection is rejected (STRICT), else undefined. */
  readonly plaintextDenied: DecisionReason | undefined;
  /** ENVOY: the proxy's rules on this filter chain and port. */
  readonly chain: EnvoyChain | undefined;
  /** AMBIENT: ztunnel's rules on this port. */
  readonly ztunnel: ZtunnelChain | undefined;
}
