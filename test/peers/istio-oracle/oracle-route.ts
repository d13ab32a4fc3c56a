// Where a `gic check` request lands, for the evaluation oracle: the Envoy proxy that decides it (sidecar,
// gateway or waypoint), what that proxy sees (port, peer identity, addresses, HTTP attributes, token)
// and how the differential may compare the answers. It is written from the request contract
// (docs/cli.md "gic check", "Addressing") over the parsed mesh, not from src/policy/evaluate, so that
// routing is stated twice. What the oracle does not model is said with a reason instead:
//   - a workload outside the mesh (no proxy: nothing to translate);
//   - ztunnel's L4 authorization on the ambient path (istiod's conversion is unexported and
//     ztunnel's matcher is Rust). Through a waypoint only the waypoint's refusal is compared.
import type { AccessRequest } from '../../../src/policy/evaluate/access-request.js';
import type { Mesh, Service, Workload } from '../../../src/policy/resources/mesh.js';
import type { OracleEvalRequest, OracleProxy } from './oracle-client.js';

export type OracleRoute =
  | {
      readonly kind: 'compare';
      /** full: the oracle's decision is the answer; waypoint-refusal: only a refusal by the waypoint is. */
      readonly scope: 'full' | 'waypoint-refusal';
      readonly request: OracleEvalRequest;
    }
  | { readonly kind: 'skip'; readonly reason: string };

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
const WAYPOINT_CLASS = 'istio-waypoint';

interface Target {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly dataplane: Workload['dataplane'];
  readonly gatewayName: string | undefined;
  readonly isWaypoint: boolean;
  readonly isGateway: boolean;
  readonly containerPorts: Workload['containerPorts'];
}

const classicGateway = (labels: Readonly<Record<string, string>>): boolean => /gateway$/.test(labels['istio'] ?? '');

function targetOf(mesh: Mesh, to: AccessRequest['to']): Target {
  const w = to.workload === undefined ? undefined : mesh.workloads.find((x) => x.namespace === to.namespace && x.name === to.workload);
  if (w !== undefined) {
    const gatewayName = w.gatewayName ?? w.labels[GATEWAY_NAME];
    return { namespace: w.namespace, labels: w.labels, dataplane: w.dataplane, gatewayName, isWaypoint: w.isWaypoint, isGateway: !w.isWaypoint && (gatewayName !== undefined || classicGateway(w.labels)), containerPorts: w.containerPorts };
  }
  const gw = to.workload === undefined ? undefined : mesh.gateways.find((g) => g.namespace === to.namespace && g.name === to.workload);
  if (gw !== undefined) {
    // A Gateway stands for the proxy pods istiod deploys for it, labelled with its name.
    const waypoint = gw.gatewayClassName === WAYPOINT_CLASS;
    return { namespace: gw.namespace, labels: { [GATEWAY_NAME]: gw.name }, dataplane: 'sidecar', gatewayName: gw.name, isWaypoint: waypoint, isGateway: !waypoint, containerPorts: [] };
  }
  // An ad-hoc workload (to.labels), or a name the snapshot does not hold: a workload with those labels.
  const labels = to.labels ?? {};
  const nsLabels = mesh.namespaces.get(to.namespace)?.labels ?? {};
  const ambient = (labels['istio.io/dataplane-mode'] ?? nsLabels['istio.io/dataplane-mode']) === 'ambient';
  const gatewayName = labels[GATEWAY_NAME];
  const waypoint = gatewayName !== undefined && mesh.gateways.some((g) => g.namespace === to.namespace && g.name === gatewayName && g.gatewayClassName === WAYPOINT_CLASS);
  return { namespace: to.namespace, labels, dataplane: ambient ? 'ambient' : 'sidecar', gatewayName, isWaypoint: waypoint, isGateway: !waypoint && (gatewayName !== undefined || classicGateway(labels)), containerPorts: [] };
}

/** The caller's mTLS identity (cli.md "from"), or undefined for a plaintext connection. */
function callerIdentity(mesh: Mesh, from: AccessRequest['from']): { principal: string; namespace: string } | undefined {
  const td = mesh.meshConfig.trustDomain;
  if (from === undefined || 'plaintext' in from) return undefined;
  if ('principal' in from) return { principal: from.principal, namespace: /\/ns\/([^/]+)\//.exec(from.principal)?.[1] ?? '' };
  const w = mesh.workloads.find((x) => x.namespace === from.namespace && x.name === from.workload);
  if (w === undefined) return { principal: `${td}/ns/${from.namespace}/sa/default`, namespace: from.namespace };
  const proxy = w.dataplane !== 'none' || w.isWaypoint || w.gatewayName !== undefined || w.labels[GATEWAY_NAME] !== undefined || classicGateway(w.labels);
  return proxy ? { principal: `${td}/ns/${w.namespace}/sa/${w.serviceAccount}`, namespace: w.namespace } : undefined;
}

function selects(s: Service, t: Target): boolean {
  const keys = Object.keys(s.selector ?? {});
  return s.namespace === t.namespace && keys.length > 0 && keys.every((k) => t.labels[k] === s.selector?.[k]);
}

function targetPortOf(p: Service['ports'][number], t: Target): number | undefined {
  const tp = p.targetPort;
  if (tp === undefined) return p.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  return t.containerPorts.find((c) => c.name === tp)?.port;
}

/** The Service a host names (cli.md "Addressing": name, name.ns, name.ns.svc..., any port). */
function serviceOfHost(mesh: Mesh, host: string | undefined, defaultNs: string): Service | undefined {
  if (host === undefined || host === '' || host.startsWith('[')) return undefined;
  let name = host.toLowerCase();
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  const parts = name.split('.');
  let svc: string | undefined;
  let ns: string | undefined;
  if (parts.length === 1) [svc, ns] = [parts[0], defaultNs];
  else if (parts.length === 2 || parts[2] === 'svc') [svc, ns] = [parts[0], parts[1]];
  if (svc === undefined || ns === undefined) return undefined;
  return mesh.services.findLast((s) => s.namespace === ns && s.name === svc);
}

/** The waypoint proxy serving a Service (istio.io/use-waypoint on the Service, else its namespace). */
function waypointOf(mesh: Mesh, s: Service): OracleProxy | undefined {
  const nsLabels = mesh.namespaces.get(s.namespace)?.labels ?? {};
  const onService = s.labels['istio.io/use-waypoint'];
  const name = onService ?? nsLabels['istio.io/use-waypoint'];
  if (name === undefined || name === '' || name === 'none') return undefined;
  const ns = (onService !== undefined ? s.labels['istio.io/use-waypoint-namespace'] : nsLabels['istio.io/use-waypoint-namespace']) ?? s.namespace;
  const gw = mesh.gateways.find((g) => g.namespace === ns && g.name === name);
  const waypointFor = gw?.labels['istio.io/waypoint-for'];
  if (waypointFor === 'workload' || waypointFor === 'none') return undefined;
  const deployed = mesh.workloads.find((w) => w.isWaypoint && w.namespace === ns && (w.gatewayName ?? w.labels[GATEWAY_NAME]) === name);
  return { namespace: ns, labels: deployed?.labels ?? { [GATEWAY_NAME]: name }, kind: 'waypoint', service: { name: s.name, namespace: s.namespace } };
}

/** The Service ports that send to the target's port, in mesh order (what Istio infers the protocol from). */
function servicePortsOf(mesh: Mesh, t: Target, port: number | undefined): OracleEvalRequest['servicePorts'] {
  if (port === undefined) return [];
  return mesh.services
    .filter((s) => selects(s, t))
    .flatMap((s) => s.ports.filter((p) => targetPortOf(p, t) === port).map((p) => ({ port: p.port, ...(p.name === undefined ? {} : { name: p.name }), protocol: p.protocol, ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }) })));
}

/** The JWT as Envoy receives it (cli.md "jwt"): where it was sent and its payload. */
function tokenOf(jwt: AccessRequest['jwt']): OracleEvalRequest['jwt'] {
  if (jwt === undefined) return undefined;
  if (jwt === 'invalid') return { invalid: true };
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(jwt)) if (k !== 'header' && k !== 'param' && k !== 'claims' && v !== undefined) payload[k] = v;
  for (const [k, v] of Object.entries(jwt.claims ?? {})) if (!(k in payload)) payload[k] = v;
  return { payload, ...(jwt.header === undefined ? {} : { header: jwt.header }), ...(jwt.param === undefined ? {} : { param: jwt.param }) };
}

const isGrpcPort = (p: { readonly name?: string; readonly appProtocol?: string }): boolean => /^grpc/i.test(p.appProtocol ?? p.name ?? '');

export function routeToOracle(mesh: Mesh, request: AccessRequest): OracleRoute {
  const t = targetOf(mesh, request.to);
  if (t.dataplane === 'none' && !t.isGateway && !t.isWaypoint) return { kind: 'skip', reason: 'the target is outside the mesh: no proxy' };
  const caller = callerIdentity(mesh, request.from);
  const servicePorts = servicePortsOf(mesh, t, request.to.port);
  const given = request.to.protocol;
  const grpc = given === 'grpc' || (given === undefined && servicePorts?.[0] !== undefined && isGrpcPort(servicePorts[0]));
  const sourceIp = (request.from !== undefined ? request.from.ip : undefined) ?? request.sourceIp;
  const jwt = tokenOf(request.jwt);
  const base = {
    ...(given === undefined ? { servicePorts, looksHttp: request.method !== undefined || request.path !== undefined } : { protocol: given === 'tcp' ? ('tcp' as const) : ('http' as const) }),
    ...(caller === undefined ? {} : { peer: caller.principal }),
    ...(sourceIp === undefined ? {} : { sourceIp }),
    ...((request.remoteIp ?? sourceIp) === undefined ? {} : { remoteIp: (request.remoteIp ?? sourceIp) as string }),
    ...(request.destinationIp === undefined ? {} : { destinationIp: request.destinationIp }),
    ...(request.sni === undefined ? {} : { sni: request.sni }),
    method: request.method ?? (grpc ? 'POST' : 'GET'),
    path: request.path ?? '/',
    ...(request.host === undefined ? {} : { authority: request.host }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(jwt === undefined ? {} : { jwt }),
  };

  if (t.dataplane === 'ambient' && !t.isWaypoint && t.gatewayName === undefined) {
    const service = caller === undefined ? undefined : serviceOfHost(mesh, request.host, caller.namespace || t.namespace);
    const waypoint = service !== undefined && selects(service, t) ? waypointOf(mesh, service) : undefined;
    if (service === undefined || waypoint === undefined) return { kind: 'skip', reason: 'ambient without a waypoint: ztunnel (L4) decides, which the oracle does not model' };
    // The waypoint receives the connection for the Service address: its port is the Service port.
    const servicePort = service.ports.find((p) => targetPortOf(p, t) === request.to.port)?.port ?? request.to.port;
    return { kind: 'compare', scope: 'waypoint-refusal', request: { ...base, proxy: waypoint, ...(servicePort === undefined ? {} : { port: servicePort }) } };
  }
  const proxy: OracleProxy = { namespace: t.namespace, labels: t.labels, kind: t.isWaypoint ? 'waypoint' : t.isGateway ? 'gateway' : 'sidecar' };
  return { kind: 'compare', scope: 'full', request: { ...base, proxy, ...(request.to.port === undefined ? {} : { port: request.to.port }) } };
}
