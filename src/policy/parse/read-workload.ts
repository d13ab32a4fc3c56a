// Reads the pod template of a workload object (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
// Job, CronJob): labels, annotations, service account, container ports, probes, proxy container.
// Dataplane mode and waypoint status are decided by the mesh builder, which sees namespaces and Gateways.
import type { ContainerPort, ProbeKind } from '../resources/mesh.js';
import { arrayAt, isPlainObject, objectAt, type PlainObject, stringAt, stringMap } from './read-object.js';

export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

export interface ProbeRef {
  readonly port: number | string;
  /** How the kubelet probes: `http` (httpGet), `https` (httpGet with scheme HTTPS), `tcp`, `grpc`. */
  readonly kind: ProbeKind;
  /** The httpGet path (default `/`). */
  readonly path?: string;
}

export interface PodTemplate {
  /** Field path of the pod template in the object (`` for a Pod, `spec.template` ...). */
  readonly path: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly serviceAccount: string;
  readonly hostNetwork: boolean;
  readonly containerNames: readonly string[];
  readonly containerPorts: readonly ContainerPort[];
  readonly probes: readonly ProbeRef[];
}

function templatePath(kind: string): string[] {
  if (kind === 'Pod') return [];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template'];
  return ['spec', 'template'];
}

const PROBE_FIELDS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_ACTIONS = ['httpGet', 'tcpSocket', 'grpc'] as const;

function readPorts(container: PlainObject): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const entry of arrayAt(container, 'ports')) {
    if (!isPlainObject(entry)) continue;
    const port = entry['containerPort'];
    if (typeof port !== 'number' || !Number.isInteger(port)) continue;
    const name = stringAt(entry, 'name');
    ports.push({ port, ...(name === undefined ? {} : { name }), protocol: stringAt(entry, 'protocol') ?? 'TCP' });
  }
  return ports;
}

function readProbes(container: PlainObject, ports: readonly ContainerPort[]): ProbeRef[] {
  const probes: ProbeRef[] = [];
  for (const field of PROBE_FIELDS) {
    const probe = objectAt(container, field);
    if (probe === undefined) continue;
    for (const action of PROBE_ACTIONS) {
      const handler = objectAt(probe, action);
      if (handler === undefined) continue;
      const raw = handler['port'];
      const kind: ProbeKind = action === 'tcpSocket' ? 'tcp' : action === 'grpc' ? 'grpc' : stringAt(handler, 'scheme')?.toUpperCase() === 'HTTPS' ? 'https' : 'http';
      const path = action === 'httpGet' ? stringAt(handler, 'path') : undefined;
      const facts = { kind, ...(path === undefined ? {} : { path }) };
      if (typeof raw === 'number' && Number.isInteger(raw)) probes.push({ port: raw, ...facts });
      else if (typeof raw === 'string' && raw !== '') {
        // A named port resolves against the container's own ports, as the kubelet does.
        const named = ports.find((p) => p.name === raw);
        probes.push({ port: named?.port ?? (/^\d+$/.test(raw) ? Number(raw) : raw), ...facts });
      }
      break;
    }
  }
  return probes;
}

/** Returns undefined when the object has no pod template. */
export function readPodTemplate(kind: string, value: unknown): PodTemplate | undefined {
  const segments = templatePath(kind);
  const template = segments.length === 0 ? (isPlainObject(value) ? value : undefined) : objectAt(value, ...segments);
  if (template === undefined) return undefined;
  const metadata = objectAt(template, 'metadata');
  const spec = objectAt(template, 'spec');
  const containers = arrayAt(spec, 'containers').filter(isPlainObject);
  // Native sidecars (init containers that keep running) serve ports too; the proxy may be one.
  const initContainers = arrayAt(spec, 'initContainers').filter(isPlainObject);
  const serving = [...containers, ...initContainers.filter((c) => stringAt(c, 'restartPolicy') === 'Always')];
  const containerPorts: ContainerPort[] = [];
  const probes: ProbeRef[] = [];
  for (const container of serving) {
    const ports = readPorts(container);
    containerPorts.push(...ports);
    probes.push(...readProbes(container, ports));
  }
  const containerNames = [...containers, ...initContainers].map((c) => stringAt(c, 'name')).filter((n): n is string => n !== undefined);
  const serviceAccount = stringAt(spec, 'serviceAccountName') || stringAt(spec, 'serviceAccount') || 'default';
  return {
    path: segments.join('.'),
    labels: stringMap(metadata?.['labels']),
    annotations: stringMap(metadata?.['annotations']),
    serviceAccount,
    hostNetwork: spec?.['hostNetwork'] === true,
    containerNames,
    containerPorts,
    probes,
  };
}
