// The outcome of evaluating one request (docs/cli.md "gic check" result): a value, never an exception.
import type { Protocol } from './access-request.js';

export type DecisionKind = 'ALLOW' | 'DENY' | 'UNAUTHENTICATED' | 'CONDITIONAL';

/** A policy (and rule) that decided, or that was considered for a default deny. */
export interface DecisionReason {
  /** `namespace/name`, or a pseudo-name such as `PeerAuthentication ns/name` for mTLS rejections. */
  readonly policy: string;
  readonly action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM' | 'MTLS' | 'JWT';
  /** Index of the deciding rule within the policy, when a rule decided. */
  readonly rule?: number;
  readonly message: string;
}

export interface Decision {
  readonly decision: DecisionKind;
  readonly protocol: Protocol;
  /** CONDITIONAL only: the CUSTOM (ext-authz) provider that decides. */
  readonly provider?: string;
  readonly reasons: readonly DecisionReason[];
  /** Each step, in Istio's evaluation order. */
  readonly trace: readonly string[];
}
