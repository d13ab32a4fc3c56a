// Renders Mesh objects back to Kubernetes YAML, deterministically: fixed metadata order, map keys
// sorted, no anchors, no line folding. Parsing the output gives back the same values and the same
// Mesh (for what the Mesh keeps: a workload prints as its kind with one pod template holding its
// labels, annotations, service account, ports and probes; a sidecar workload carries an istio-proxy
// container so its dataplane mode survives without its namespace). Never used to decide anything.
import { stringify } from 'yaml';

import type { MeshConfig } from '../resources/mesh-config.js';
import type { Gateway, Mesh, MeshObject, SecurityPolicy, Service, Workload, WorkloadProbe } from '../resources/mesh.js';
import { PROXY_CONTAINER } from './dataplane.js';
import { KUBE_YAML_SCHEMA } from './kube-yaml.js';

export type PrintableResource = MeshObject | SecurityPolicy<unknown> | Workload | Service | Gateway;

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** Copies a value with object keys sorted and `undefined` fields dropped. */
function canonical(value: unknown): Plain {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, Plain> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = canonical(item);
    }
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

function nonEmpty(map: Readonly<Record<string, string>>): Record<string, Plain> | undefined {
  return Object.keys(map).length === 0 ? undefined : (canonical(map) as Record<string, Plain>);
}

function metadata(object: MeshObject, withLabels = true): Record<string, Plain> {
  const out: Record<string, Plain> = { name: object.name };
  if (object.namespace !== '') out['namespace'] = object.namespace;
  const labels = withLabels ? nonEmpty(object.labels) : undefined;
  const annotations = withLabels ? nonEmpty(object.annotations) : undefined;
  if (labels) out['labels'] = labels;
  if (annotations) out['annotations'] = annotations;
  if (object.creationTimestamp !== undefined) out['creationTimestamp'] = object.creationTimestamp;
  return out;
}

function toYaml(value: Record<string, Plain>): string {
  return stringify(value, { ...KUBE_YAML_SCHEMA, aliasDuplicateObjects: false, lineWidth: 0, minContentWidth: 0, indentSeq: false });
}

function isWorkload(object: PrintableResource): object is Workload {
  return 'dataplane' in object && 'containerPorts' in object;
}

function printProbe(probe: WorkloadProbe): Record<string, Plain> {
  if (probe.kind === 'grpc') return { grpc: { port: probe.port } };
  if (probe.kind === 'http' || probe.kind === 'https') return { httpGet: canonical({ port: probe.port, path: probe.path, scheme: probe.kind === 'https' ? 'HTTPS' : undefined }) };
  return { tcpSocket: { port: probe.port } };
}

function podSpec(workload: Workload): Record<string, Plain> {
  const app: Record<string, Plain> = { name: 'app', image: 'app' };
  if (workload.containerPorts.length > 0) {
    app['ports'] = workload.containerPorts.map((p) => canonical({ containerPort: p.port, name: p.name, protocol: p.protocol }));
  }
  const containers: Plain[] = [app];
  // One container per probe: a container has at most one probe of each kind.
  workload.probes.forEach((probe, i) => containers.push({ name: `probe-${i}`, image: 'app', readinessProbe: printProbe(probe) }));
  if (workload.dataplane === 'sidecar') containers.push({ name: PROXY_CONTAINER, image: 'proxyv2' });
  return { serviceAccountName: workload.serviceAccount, containers };
}

function printWorkload(workload: Workload): Record<string, Plain> {
  const template: Record<string, Plain> = { metadata: canonical({ labels: nonEmpty(workload.labels), annotations: nonEmpty(workload.annotations) }), spec: podSpec(workload) };
  const head = { apiVersion: workload.apiVersion, kind: workload.kind };
  if (workload.kind === 'Pod') return { ...head, metadata: metadata(workload), spec: podSpec(workload) };
  const top = { ...head, metadata: metadata(workload, false) };
  const selector = nonEmpty(workload.labels);
  if (workload.kind === 'CronJob') return { ...top, spec: { schedule: '@daily', jobTemplate: { spec: { template } } } };
  if (workload.kind === 'Job') return { ...top, spec: { template } };
  return { ...top, spec: { ...(selector === undefined ? {} : { selector: { matchLabels: selector } }), template } };
}

function printService(service: Service): Record<string, Plain> {
  const spec: Record<string, Plain> = {};
  if (service.selector !== undefined) spec['selector'] = canonical(service.selector);
  spec['ports'] = service.ports.map((p) => canonical({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol, appProtocol: p.appProtocol }));
  return { apiVersion: service.apiVersion, kind: service.kind, metadata: metadata(service), spec };
}

/** The object as a plain Kubernetes manifest (what printResource renders). */
export function resourceManifest(resource: PrintableResource): Record<string, Plain> {
  if (isWorkload(resource)) return printWorkload(resource);
  if ('spec' in resource) return { apiVersion: resource.apiVersion, kind: resource.kind, metadata: metadata(resource), spec: canonical(resource.spec) };
  if (resource.kind === 'Service' && 'ports' in resource) return printService(resource as Service);
  if ('gatewayClassName' in resource) {
    return { apiVersion: resource.apiVersion, kind: resource.kind, metadata: metadata(resource), spec: { gatewayClassName: (resource as Gateway).gatewayClassName } };
  }
  return { apiVersion: resource.apiVersion, kind: resource.kind, metadata: metadata(resource) };
}

/** One resource as a YAML document (without `---`). */
export function printResource(resource: PrintableResource): string {
  return toYaml(resourceManifest(resource));
}

/** MeshConfig as the ConfigMap `istio` it is read from. */
export function printMeshConfig(meshConfig: MeshConfig, namespace: string): string {
  const mesh = canonical({
    rootNamespace: meshConfig.rootNamespace,
    trustDomain: meshConfig.trustDomain,
    trustDomainAliases: meshConfig.trustDomainAliases.length === 0 ? undefined : meshConfig.trustDomainAliases,
    extensionProviders: meshConfig.extensionProviders.length === 0 ? undefined : meshConfig.extensionProviders,
    pathNormalization: { normalization: meshConfig.pathNormalization },
    defaultConfig: meshConfig.numTrustedProxies === 0 ? undefined : { gatewayTopology: { numTrustedProxies: meshConfig.numTrustedProxies } },
  }) as Record<string, Plain>;
  return toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace }, data: { mesh: toYaml(mesh) } });
}

/** The whole snapshot as a multi-document YAML stream, kinds in a fixed order, objects in Mesh order. */
export function printMesh(mesh: Mesh): string {
  const docs: string[] = [];
  for (const namespace of mesh.namespaces.values()) docs.push(printResource(namespace));
  if (mesh.meshConfigSource !== undefined) docs.push(printMeshConfig(mesh.meshConfig, mesh.meshConfigSource.namespace));
  const lists: readonly (readonly PrintableResource[])[] = [
    mesh.serviceAccounts,
    mesh.gateways,
    mesh.workloads,
    mesh.services,
    mesh.peerAuthentications,
    mesh.requestAuthentications,
    mesh.authorizationPolicies,
  ];
  for (const list of lists) for (const resource of list) docs.push(printResource(resource));
  return docs.map((doc) => `---\n${doc}`).join('');
}
