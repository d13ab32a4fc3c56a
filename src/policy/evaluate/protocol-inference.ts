// The protocol of the destination port as Istio infers it (pkg/config/kube `ConvertProtocol`): the
// Service port that targets `to.port` decides by `appProtocol`, else by its name prefix
// (`http-web` -> HTTP); unknown means protocol sniffing, which gic resolves from the request itself.
import type { AccessRequest, Protocol } from './access-request.js';
import type { Service, Workload } from '../resources/mesh.js';

/** What Services and their ports read of a proxy target (compile-mesh.ts `ProxyTarget` has it all). */
export interface PortOwner {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The workload of the snapshot, if any: a named `targetPort` resolves through its container ports. */
  readonly workload: Pick<Workload, 'containerPorts'> | undefined;
}

const PROTOCOLS: Readonly<Record<string, Protocol>> = {
  tcp: 'tcp',
  udp: 'tcp',
  grpc: 'grpc',
  'grpc-web': 'grpc',
  http: 'http',
  http_proxy: 'http',
  http2: 'http',
  https: 'tcp',
  tls: 'tcp',
  mongo: 'tcp',
  redis: 'tcp',
  mysql: 'tcp',
};

function parseProtocol(name: string): Protocol | undefined {
  return PROTOCOLS[name.toLowerCase()];
}

/** `ConvertProtocol` for one Service port; undefined = unsupported (sniffed). */
export function servicePortProtocol(portName: string | undefined, proto: string, appProtocol: string | undefined): Protocol | undefined {
  if (proto.toUpperCase() === 'UDP') return 'tcp';
  let name = portName ?? '';
  if (appProtocol !== undefined) {
    name = appProtocol;
    if (name === 'kubernetes.io/h2c' || name === 'kubernetes.io/ws') return 'http';
    if (name === 'kubernetes.io/wss') return 'tcp';
  }
  const p = parseProtocol(name);
  if (p !== undefined) return p;
  let trimmed = name.trim();
  const dash = trimmed.indexOf('-');
  if (dash >= 0) trimmed = trimmed.slice(0, dash);
  return parseProtocol(trimmed);
}

export function selectsTarget(s: Service, t: Pick<PortOwner, 'namespace' | 'labels'>): boolean {
  const selector = s.selector;
  // A Service selects pods of its own namespace only.
  if (selector === undefined || s.namespace !== t.namespace) return false;
  let any = false;
  for (const k of Object.keys(selector)) {
    any = true;
    if (t.labels[k] !== selector[k]) return false;
  }
  return any;
}

/** The workload port a Service port sends to. */
export function targetPortOf(port: Service['ports'][number], t: Pick<PortOwner, 'workload'>): number | undefined {
  const tp = port.targetPort;
  if (tp === undefined) return port.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  return t.workload?.containerPorts.find((c) => c.name === tp)?.port;
}

export interface InferredProtocol {
  readonly protocol: Protocol;
  readonly how: string;
}

export function inferProtocol(services: readonly Service[] | undefined, t: PortOwner, request: AccessRequest): InferredProtocol {
  const given = request.to.protocol;
  if (given !== undefined) return { protocol: given, how: 'given by the request' };
  const port = request.to.port;
  if (port !== undefined) {
    for (const s of services ?? []) {
      if (!selectsTarget(s, t)) continue;
      for (const sp of s.ports) {
        if (targetPortOf(sp, t) !== port) continue;
        const p = servicePortProtocol(sp.name, sp.protocol, sp.appProtocol);
        if (p !== undefined) {
          const by = sp.appProtocol !== undefined ? `appProtocol ${sp.appProtocol}` : `port name ${JSON.stringify(sp.name ?? '')}`;
          return { protocol: p, how: `Service ${s.namespace}/${s.name} port ${sp.port} (${by})` };
        }
      }
    }
  }
  const http = request.method !== undefined || request.path !== undefined;
  return { protocol: http ? 'http' : 'tcp', how: `no Service port declares it: sniffed as ${http ? 'HTTP (the request has a method or path)' : 'TCP'}` };
}
