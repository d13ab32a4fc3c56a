// mTLS (PeerAuthentication), before any filter: the effective mode of the destination port
// (mtls-mode.ts) decides whether a plaintext connection is accepted (STRICT rejects it) and whether a
// caller's identity reaches the proxy (DISABLE drops it; ambient treats DISABLE as PERMISSIVE). Gateways
// are not subject to PeerAuthentication; waypoints accept HBONE (mTLS) only. The mode of a target port
// is resolved once (`proxyMtls`, `ambientMtls`, kept in its TargetPortRecord); per request, the hot form
// `mtlsPeer`/`plaintextRejected` applies it and the traced forms describe it.
import type { CompiledMesh, ProxyTarget } from '../compile-mesh.js';
import type { DecisionReason } from '../decision.js';
import { type EffectiveMtls, mtlsForPort } from '../mtls-mode.js';
import type { PeerIdentity } from '../request-attributes.js';
import type { TargetPortRecord } from '../target-port-record.js';

const WAYPOINT_MTLS: EffectiveMtls = { mode: 'STRICT', level: 'default' };

/** The mode at an Envoy proxy's port: STRICT at a waypoint; undefined at a gateway (PeerAuthentication does not apply). */
export function proxyMtls(compiled: CompiledMesh, target: ProxyTarget, port: number | undefined): EffectiveMtls | undefined {
  if (target.isGateway) return undefined;
  return target.isWaypoint ? WAYPOINT_MTLS : mtlsForPort(compiled.peerAuthentication(target), port);
}

/** The mode ztunnel applies at an ambient workload's port. */
export function ambientMtls(compiled: CompiledMesh, target: ProxyTarget, port: number | undefined): EffectiveMtls {
  return mtlsForPort(compiled.peerAuthentication(target), port);
}

/** The reason the proxy rejects a plaintext connection under `eff` (STRICT), else undefined. */
export function plaintextRejection(target: ProxyTarget, eff: EffectiveMtls | undefined): DecisionReason | undefined {
  if (eff === undefined || eff.mode !== 'STRICT') return undefined;
  if (target.isWaypoint) return { policy: `waypoint ${target.namespace}/${target.name}`, action: 'MTLS', message: 'a waypoint accepts only HBONE (mTLS) connections: the plaintext connection is rejected' };
  return { policy: `PeerAuthentication ${eff.policy ?? ''}`, action: 'MTLS', message: `STRICT mTLS (${eff.level} PeerAuthentication ${eff.policy ?? ''}) rejects the plaintext connection` };
}

/** Hot: the identity an Envoy proxy sees from a caller with identity `peer` (none on a DISABLE port). */
export function mtlsPeer(rec: TargetPortRecord, peer: PeerIdentity | undefined): PeerIdentity | undefined {
  return rec.mtlsDisable ? undefined : peer;
}

/** Hot: the reason the connection is rejected (plaintext on a STRICT port), else undefined. */
export function plaintextRejected(rec: TargetPortRecord, peer: PeerIdentity | undefined): DecisionReason | undefined {
  return peer === undefined ? rec.plaintextDenied : undefined;
}

/** Traced: mTLS at an Envoy proxy (`eff` from proxyMtls; `peer` as mtlsPeer returns it). */
export function traceProxyMtls(trace: string[], target: ProxyTarget, eff: EffectiveMtls | undefined, peer: PeerIdentity | undefined): void {
  const connection = peer !== undefined ? `mTLS, peer ${peer.principal}` : 'plaintext: no peer identity';
  if (eff === undefined) {
    trace.push(`mTLS: PeerAuthentication does not apply to a gateway; connection is ${connection}`);
    return;
  }
  trace.push(`mTLS: effective PeerAuthentication mode ${eff.mode}${eff.policy !== undefined ? ` (${eff.level} ${eff.policy})` : target.isWaypoint ? ' (waypoints accept HBONE only)' : ' (default)'}; connection is ${connection}`);
}

/** Traced: mTLS at ztunnel (`eff` from ambientMtls); `mtls`: the caller connects over HBONE. */
export function traceAmbientMtls(trace: string[], eff: EffectiveMtls, mtls: boolean): void {
  trace.push(
    `mTLS: effective PeerAuthentication mode ${eff.mode}${eff.policy !== undefined ? ` (${eff.level} ${eff.policy})` : ' (default)'}${eff.mode === 'DISABLE' ? ', which ambient does not support (treated as PERMISSIVE)' : ''}; connection is ${mtls ? 'HBONE (mTLS)' : 'plaintext'}`,
  );
}
