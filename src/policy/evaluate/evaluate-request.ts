// One request -> the decision Istio would make (docs/reference/istio-authz.md §2 and §4; cli.md
// "gic check"), read as Envoy's filter chain reads: the target and its port's record (addressing.ts,
// port-records.ts), then mTLS (PeerAuthentication) and at each Envoy proxy CUSTOM -> JWT -> AUDIT ->
// DENY -> ALLOW, or at ztunnel DENY -> ALLOW on L4 attributes; through a waypoint when an ambient
// workload is addressed by a Service that uses one (waypoint-routing.ts). Each stage lives in
// stages/: its hot form decides, its traced form describes that same outcome, so a decision with a
// trace equals the one without. Never throws on input; the trace is optional (hot loops turn it off).
import type { Service } from '../resources/mesh.js';
import type { AccessRequest } from './access-request.js';
import { callerIdentity, describeCaller, resolveTarget } from './addressing.js';
import { attributesFromWaypoint, buildAttributes } from './build-attributes.js';
import type { CompiledMesh, ProxyTarget } from './compile-mesh.js';
import type { Decision, DecisionReason } from './decision.js';
import { envoyChain } from './envoy-chain.js';
import type { EffectiveMtls } from './mtls-mode.js';
import { portRecordFor } from './port-records.js';
import { selectsTarget } from './protocol-inference.js';
import type { EnvoyChain, ZtunnelChain } from './proxy-policies.js';
import type { PeerIdentity, RequestAttributes } from './request-attributes.js';
import { requestSegments, requestWord, valueAt } from './rule-guard.js';
import { allowed, firstAllow, traceAllow } from './stages/allow.js';
import { traceAudit } from './stages/audit.js';
import { customDenied, firstCustom, traceCustom } from './stages/custom.js';
import { denied, firstDeny, traceDeny } from './stages/deny.js';
import { jwtOutcome, jwtRejected, traceJwt, withJwt } from './stages/jwt.js';
import { mtlsPeer, plaintextRejected, traceAmbientMtls, traceProxyMtls } from './stages/mtls.js';
import { finish, type StageResult } from './stages/stage-result.js';
import { traceZtunnel, ztunnelMatch, ztunnelResult } from './stages/ztunnel.js';
import { ROUTE, type TargetPortRecord } from './target-port-record.js';
import { serviceForHost, servicePortFor, waypointFor } from './waypoint-routing.js';

export interface EvaluateOptions {
  /** Build the `trace` strings (default true). Turn off in hot loops: `trace` is then empty. */
  readonly trace?: boolean;
}

export function evaluateRequest(compiled: CompiledMesh, request: AccessRequest, options: EvaluateOptions = {}): Decision {
  const trace: string[] | undefined = options.trace === false ? undefined : [];
  const target = resolveTarget(compiled, request, trace);
  const rec = portRecordFor(compiled, target, request);
  if (trace !== undefined) {
    trace.push(
      `target: ${target.namespace}/${target.name} (${target.isWaypoint ? 'waypoint' : target.isGateway ? 'gateway' : target.dataplane}), port ${request.to.port ?? '(none)'}, protocol ${rec.protocol} (${rec.inferred.how}); caller: ${describeCaller(compiled, request)}`,
    );
  }
  if (rec.route === ROUTE.ENVOY) return envoyProxy(compiled, request, target, rec, trace);
  if (rec.route === ROUTE.AMBIENT) return ambient(compiled, request, target, rec, trace);
  trace?.push('the target is not in the mesh: no proxy enforces any policy');
  return finish(rec.protocol, { decision: 'ALLOW', reasons: [] }, trace);
}

/** A sidecar, a gateway, or a waypoint addressed directly: mTLS, then the proxy's filters. */
function envoyProxy(compiled: CompiledMesh, request: AccessRequest, target: ProxyTarget, rec: TargetPortRecord, trace: string[] | undefined): Decision {
  const protocol = rec.protocol;
  // mTLS (PeerAuthentication): a DISABLE port drops the caller's identity, a STRICT one rejects plaintext.
  const peer = mtlsPeer(rec, callerIdentity(compiled, request));
  if (trace !== undefined) traceProxyMtls(trace, target, rec.mtls, peer);
  const rejected = plaintextRejected(rec, peer);
  if (rejected !== undefined) return finish(protocol, { decision: 'DENY', reasons: [rejected] }, trace);
  const chain = rec.chain as EnvoyChain;
  const base = buildAttributes(compiled, request, protocol, peer, trace !== undefined || chain.readsIps);
  if (base.rejected !== undefined) {
    trace?.push(`HTTP: ${base.rejected}`);
    return finish(protocol, { decision: 'DENY', reasons: [{ policy: `${target.namespace}/${target.name}`, action: 'DENY', message: base.rejected }] }, trace);
  }
  return finish(protocol, envoyFilters(chain, base.attrs, request, trace), trace);
}

/** An ambient workload: through the waypoint of the addressed Service, if any; then the destination ztunnel. */
function ambient(compiled: CompiledMesh, request: AccessRequest, target: ProxyTarget, rec: TargetPortRecord, trace: string[] | undefined): Decision {
  const protocol = rec.protocol;
  const peer = callerIdentity(compiled, request);
  const service = peer !== undefined ? serviceForHost(compiled, request.host, peer.namespace) : undefined;
  const waypoint = service !== undefined && selectsTarget(service, target) ? waypointFor(compiled, service, trace) : undefined;
  if (waypoint !== undefined && service !== undefined && peer !== undefined) return throughWaypoint(compiled, request, target, rec, peer, service, waypoint, trace);
  if (trace !== undefined) traceAmbientMtls(trace, rec.mtls as EffectiveMtls, peer !== undefined);
  const rejected = plaintextRejected(rec, peer);
  if (rejected !== undefined) return finish(protocol, { decision: 'DENY', reasons: [rejected] }, trace);
  trace?.push('ztunnel: enforces L4 authorization only (no waypoint on this path)');
  const z = rec.ztunnel as ZtunnelChain;
  return finish(protocol, ztunnel(z, buildAttributes(compiled, request, 'tcp', peer, trace !== undefined || z.readsIps).attrs, trace), trace);
}

/**
 * A mesh caller addressing an ambient workload by a Service that a waypoint serves: the waypoint's
 * filters (HBONE from the client, L7, on the Service port), then the destination ztunnel, which sees a
 * connection from the waypoint.
 */
function throughWaypoint(compiled: CompiledMesh, request: AccessRequest, target: ProxyTarget, rec: TargetPortRecord, peer: PeerIdentity, service: Service, waypoint: ProxyTarget, trace: string[] | undefined): Decision {
  const protocol = rec.protocol;
  trace?.push(`addressing: host ${request.host ?? ''} names Service ${service.namespace}/${service.name}, served by waypoint ${waypoint.namespace}/${waypoint.name}: the waypoint enforces L7 policy with the client's identity`);
  const servicePort = servicePortFor(service, target, request.to.port);
  trace?.push(`waypoint: HBONE (mTLS) from the client; destination port is Service port ${servicePort ?? '(none)'}`);
  const chain = envoyChain(compiled, compiled.envoyPolicies(waypoint, service), rec.http, servicePort, `waypoint ${waypoint.namespace}/${waypoint.name}`);
  const base = buildAttributes(compiled, request, protocol, peer, trace !== undefined || chain.readsIps, servicePort);
  if (base.rejected !== undefined) {
    trace?.push(`waypoint: ${base.rejected}`);
    return finish(protocol, { decision: 'DENY', reasons: [{ policy: `waypoint ${waypoint.namespace}/${waypoint.name}`, action: 'DENY', message: base.rejected }] }, trace);
  }
  const atWaypoint = envoyFilters(chain, base.attrs, request, trace);
  if (atWaypoint.decision === 'DENY' || atWaypoint.decision === 'UNAUTHENTICATED') return finish(protocol, atWaypoint, trace);
  trace?.push(`destination ztunnel: the connection comes from the waypoint (identity ${waypoint.peer.principal}; source IP is the waypoint's)`);
  const z = rec.ztunnel as ZtunnelChain;
  const atZtunnel = ztunnel(z, attributesFromWaypoint(request, waypoint.peer, trace !== undefined || z.readsIps), trace);
  if (atZtunnel.decision !== 'ALLOW') return finish(protocol, atZtunnel, trace);
  return finish(protocol, { decision: atWaypoint.decision, provider: atWaypoint.provider, reasons: [...atWaypoint.reasons, ...atZtunnel.reasons] }, trace);
}

/** The filters of one Envoy proxy, in order: CUSTOM -> JWT -> AUDIT -> DENY -> ALLOW. */
function envoyFilters(chain: EnvoyChain, a: RequestAttributes, request: AccessRequest, trace: string[] | undefined): StageResult {
  // CUSTOM (ext_authz), before authentication.
  const c = firstCustom(chain, a);
  if (trace !== undefined) traceCustom(trace, chain, c);
  if (c >= 0 && chain.custom.kind === 'deny') return customDenied(chain, c);
  const custom: DecisionReason | undefined = c >= 0 ? valueAt(chain.rules, c) : undefined;

  // JWT (RequestAuthentication), HTTP only.
  const jwtRules = chain.policies.jwtRules;
  const jwt = jwtOutcome(chain.http, jwtRules, request.jwt);
  if (trace !== undefined) traceJwt(trace, jwtRules, jwt);
  if (jwt !== undefined && jwt.kind === 'invalid') return jwtRejected(jwt);
  const attrs = withJwt(a, jwt);

  // AUDIT never decides.
  if (trace !== undefined) traceAudit(trace, chain, attrs);

  // DENY, then ALLOW (each rule scan skips the rules whose guard rules out the request's words).
  const w0 = requestWord(attrs);
  const w1 = requestSegments(attrs);
  const d = firstDeny(chain, attrs, w0, w1);
  if (trace !== undefined) traceDeny(trace, chain, attrs, d);
  if (d >= 0) return denied(chain, d);

  const m = firstAllow(chain, attrs, w0, w1);
  if (trace !== undefined) traceAllow(trace, chain, attrs, m);
  return allowed(chain, m, custom !== undefined ? chain.custom.provider?.name : undefined, custom);
}

/** ztunnel: DENY -> ALLOW on L4 attributes. */
function ztunnel(chain: ZtunnelChain, a: RequestAttributes, trace: string[] | undefined): StageResult {
  const i = ztunnelMatch(chain, a);
  if (trace !== undefined) traceZtunnel(trace, chain, i);
  return ztunnelResult(chain, i);
}
