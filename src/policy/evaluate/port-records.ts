// The TargetPortRecord of a (proxy, destination port, protocol hint), built on first use and cached on
// the ProxyTarget (the first two also in fields, read before the Map): the protocol, the route, the
// mTLS outcome (stages/mtls.ts) and the rules the proxy scans on that port (envoy-chain.ts, or
// stages/ztunnel.ts on the ambient path).
import type { AccessRequest } from './access-request.js';
import type { CompiledMesh, ProxyTarget } from './compile-mesh.js';
import { envoyChain } from './envoy-chain.js';
import { type InferredProtocol, inferProtocol } from './protocol-inference.js';
import { ambientMtls, plaintextRejection, proxyMtls } from './stages/mtls.js';
import { ztunnelChain } from './stages/ztunnel.js';
import { ROUTE, type TargetPortRecord } from './target-port-record.js';

/** The protocol of the request's destination port (given, declared by a Service port, or sniffed), memoized per target. */
export function protocolOf(compiled: CompiledMesh, target: ProxyTarget, request: AccessRequest): InferredProtocol {
  if (request.to.protocol !== undefined) return { protocol: request.to.protocol, how: 'given by the request' };
  const sniffed = request.method !== undefined || request.path !== undefined;
  // Ports are 0-65535: one number keys both the port and the sniffing outcome.
  const key = ((request.to.port ?? 70000) << 1) | (sniffed ? 1 : 0);
  const hit = target.protocols.get(key);
  if (hit !== undefined) return hit;
  const inferred = inferProtocol(compiled.servicesByNamespace.get(target.namespace), target, request);
  target.protocols.set(key, inferred);
  return inferred;
}

/** The record of `target` for the request's port and protocol hint, built on first use. */
export function portRecordFor(compiled: CompiledMesh, target: ProxyTarget, request: AccessRequest): TargetPortRecord {
  const to = request.to;
  const given = to.protocol;
  const hint = given === undefined ? (request.method !== undefined || request.path !== undefined ? 1 : 0) : given === 'http' ? 2 : given === 'grpc' ? 3 : 4;
  // Ports are 0-65535 (70000: none): one number keys the port and the protocol hint.
  const key = (to.port ?? 70000) * 8 + hint;
  if (target.portKey0 === key) return target.portRecord0 as TargetPortRecord;
  if (target.portKey1 === key) return target.portRecord1 as TargetPortRecord;
  let records = target.portRecords;
  if (records === undefined) target.portRecords = records = new Map();
  const hit = records.get(key);
  if (hit !== undefined) return hit;
  const rec = buildPortRecord(compiled, target, protocolOf(compiled, target, request), to.port);
  records.set(key, rec);
  if (target.portRecord0 === undefined) {
    target.portKey0 = key;
    target.portRecord0 = rec;
  } else if (target.portRecord1 === undefined) {
    target.portKey1 = key;
    target.portRecord1 = rec;
  }
  return rec;
}

function buildPortRecord(compiled: CompiledMesh, target: ProxyTarget, inferred: InferredProtocol, port: number | undefined): TargetPortRecord {
  const protocol = inferred.protocol;
  const http = protocol !== 'tcp';
  if (target.dataplane === 'none' && !target.isGateway && !target.isWaypoint) {
    return { protocol, inferred, http, route: ROUTE.OPEN, mtls: undefined, mtlsDisable: false, plaintextDenied: undefined, chain: undefined, ztunnel: undefined };
  }
  if (target.dataplane === 'ambient' && !target.isWaypoint && target.gatewayName === undefined) {
    const mtls = ambientMtls(compiled, target, port);
    return { protocol, inferred, http, route: ROUTE.AMBIENT, mtls, mtlsDisable: false, plaintextDenied: plaintextRejection(target, mtls), chain: undefined, ztunnel: ztunnelChain(compiled, target, port) };
  }
  const mtls = proxyMtls(compiled, target, port);
  const chain = envoyChain(compiled, compiled.envoyPolicies(target), http, port, `${target.isGateway ? 'gateway' : 'sidecar'} ${target.namespace}/${target.name}`);
  return { protocol, inferred, http, route: ROUTE.ENVOY, mtls, mtlsDisable: mtls?.mode === 'DISABLE', plaintextDenied: plaintextRejection(target, mtls), chain, ztunnel: undefined };
}
