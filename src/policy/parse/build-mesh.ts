// Turns parsed documents into the immutable Mesh snapshot: recognises the objects of cli.md "The mesh
// directory", decides each workload's dataplane mode and waypoint status as Istio does, resolves
// MeshConfig, and reports duplicates and schema-invalid policies as findings. Never throws on input.
import type { z } from 'zod';

import { AuthorizationPolicySpecSchema } from '../resources/authorization-policy.js';
import { type MeshConfig, MeshConfigInputSchema, resolveMeshConfig } from '../resources/mesh-config.js';
import type {
  AuthorizationPolicy,
  Gateway,
  Mesh,
  MeshObject,
  Namespace,
  PeerAuthentication,
  RequestAuthentication,
  SecurityPolicy,
  Service,
  ServiceAccount,
  ServicePort,
  Workload,
} from '../resources/mesh.js';
import { PeerAuthenticationSpecSchema } from '../resources/peer-authentication.js';
import { RequestAuthenticationSpecSchema } from '../resources/request-authentication.js';
import { dataplaneOf, probesRewritten } from './dataplane.js';
import { formatFieldPath, type PathSegment } from './field-path.js';
import { MESH_RULES, type MeshFinding } from './mesh-finding.js';
import { parseDocuments } from './parse-documents.js';
import type { ParsedDocument } from './parsed-document.js';
import { apiGroup, arrayAt, isPlainObject, objectAt, type ObjectHeader, pruneNulls, readHeader, stringAt, stringMap } from './read-object.js';
import { readPodTemplate, WORKLOAD_KINDS } from './read-workload.js';

export interface BuildMeshResult {
  readonly mesh: Mesh;
  readonly findings: readonly MeshFinding[];
}

export const LABEL_GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
export const LABEL_GATEWAY_MANAGED = 'gateway.istio.io/managed';
export const WAYPOINT_CONTROLLER = 'istio.io-mesh-controller';
export const WAYPOINT_CLASS = 'istio-waypoint';
export const MESH_CONFIGMAP = 'istio';
export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';

const SECURITY_GROUP = 'security.istio.io';
const SECURITY_VERSIONS: ReadonlySet<string> = new Set([`${SECURITY_GROUP}/v1`, `${SECURITY_GROUP}/v1beta1`]);
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const WORKLOAD_GROUPS: ReadonlySet<string> = new Set(['', 'apps', 'batch']);

const POLICY_SCHEMAS = {
  AuthorizationPolicy: AuthorizationPolicySpecSchema,
  PeerAuthentication: PeerAuthenticationSpecSchema,
  RequestAuthentication: RequestAuthenticationSpecSchema,
} as const;
type PolicyKind = keyof typeof POLICY_SCHEMAS;

type Category = 'namespace' | 'workload' | 'service' | 'serviceAccount' | 'configMap' | 'gateway' | 'policy';

interface Entry {
  readonly doc: ParsedDocument;
  readonly header: ObjectHeader & { readonly name: string };
  readonly category: Category;
}

function categorize(header: ObjectHeader): Category | undefined {
  const group = apiGroup(header.apiVersion);
  if (group === '') {
    if (header.kind === 'Namespace') return 'namespace';
    if (header.kind === 'Service') return 'service';
    if (header.kind === 'ServiceAccount') return 'serviceAccount';
    if (header.kind === 'ConfigMap') return 'configMap';
  }
  if (WORKLOAD_KINDS.has(header.kind) && WORKLOAD_GROUPS.has(group)) return 'workload';
  if (group === GATEWAY_GROUP && header.kind === 'Gateway') return 'gateway';
  if (group === SECURITY_GROUP && header.kind in POLICY_SCHEMAS) return 'policy';
  return undefined;
}

function findingAt(doc: ParsedDocument, field: string, rule: string, level: 'error' | 'warning', message: string, header?: ObjectHeader): MeshFinding {
  return {
    rule,
    level,
    file: doc.file,
    line: doc.lineOf(field),
    column: field === '' ? doc.source.column : 1,
    message,
    ...(header?.name === undefined ? {} : { resource: { kind: header.kind, namespace: header.namespace, name: header.name } }),
    ...(field === '' ? {} : { field }),
  };
}

function describe(header: ObjectHeader): string {
  return header.namespace === '' ? `${header.kind} ${header.name ?? ''}` : `${header.kind} ${header.namespace}/${header.name ?? ''}`;
}

function location(doc: ParsedDocument): string {
  return `${doc.file}:${doc.source.line}`;
}

function baseObject(entry: Entry, labels = entry.header.labels, annotations = entry.header.annotations): MeshObject {
  const { header, doc } = entry;
  return Object.freeze({
    kind: header.kind,
    namespace: header.namespace,
    name: header.name,
    apiVersion: header.apiVersion,
    labels: Object.freeze(labels),
    annotations: Object.freeze(annotations),
    ...(header.creationTimestamp === undefined ? {} : { creationTimestamp: header.creationTimestamp }),
    source: doc.source,
    lineOf: (fieldPath: string) => doc.lineOf(fieldPath),
  });
}

/** Collects recognised objects; a later object with the same group/kind/namespace/name replaces the earlier. */
function collect(documents: readonly ParsedDocument[], findings: MeshFinding[]): Entry[] {
  const entries = new Map<string, Entry>();
  for (const doc of documents) {
    const header = readHeader(doc);
    if (header === undefined) continue;
    const category = categorize(header);
    if (category === undefined) continue;
    if (header.name === undefined) {
      findings.push(findingAt(doc, 'metadata.name', MESH_RULES.invalidObject, 'error', `${header.kind} without metadata.name is ignored`, header));
      continue;
    }
    if (category === 'policy' && !SECURITY_VERSIONS.has(header.apiVersion)) {
      findings.push(
        findingAt(doc, 'apiVersion', MESH_RULES.unsupportedVersion, 'error', `${describe(header)}: apiVersion ${header.apiVersion} is not served (use ${SECURITY_GROUP}/v1 or v1beta1); ignored`, header),
      );
      continue;
    }
    const key = `${apiGroup(header.apiVersion)}/${header.kind}/${header.namespace}/${header.name}`;
    const previous = entries.get(key);
    if (previous !== undefined) {
      findings.push(
        findingAt(doc, 'metadata.name', MESH_RULES.duplicateObject, 'warning', `${describe(header)} is defined again (first at ${location(previous.doc)}); the last definition wins`, header),
      );
      entries.delete(key);
    }
    entries.set(key, { doc, header: { ...header, name: header.name }, category });
  }
  return [...entries.values()];
}

/** Reads `data.mesh` of the chosen `istio` ConfigMap (the one in istio-system when there are several). */
function readMeshConfig(configMaps: readonly Entry[], findings: MeshFinding[]): { meshConfig: MeshConfig; source?: MeshObject } {
  const candidates = configMaps.filter((e) => e.header.name === MESH_CONFIGMAP);
  if (candidates.length === 0) return { meshConfig: resolveMeshConfig(undefined) };
  const chosen = candidates.find((e) => e.header.namespace === DEFAULT_ISTIO_NAMESPACE) ?? candidates[0]!;
  if (candidates.length > 1) {
    const others = candidates.filter((e) => e !== chosen).map((e) => `${e.header.namespace} (${location(e.doc)})`);
    findings.push(
      findingAt(chosen.doc, 'metadata.name', MESH_RULES.meshConfigAmbiguous, 'warning', `several ConfigMaps named istio; using ${chosen.header.namespace}, ignoring ${others.join(', ')}`, chosen.header),
    );
  }
  const source = baseObject(chosen);
  const meshText = stringAt(objectAt(chosen.doc.value, 'data'), 'mesh');
  let input: z.infer<typeof MeshConfigInputSchema> = {};
  if (meshText !== undefined) {
    const parsed = parseDocuments(meshText, chosen.doc.file);
    const line = chosen.doc.lineOf('data.mesh');
    for (const f of parsed.findings) {
      findings.push({ ...f, rule: MESH_RULES.meshConfig, line, column: 1, message: `ConfigMap ${chosen.header.namespace}/istio data.mesh: ${f.message}`, resource: ref(chosen), field: 'data.mesh' });
    }
    const value = parsed.documents[0]?.value;
    if (value !== undefined && value !== null) {
      const result = MeshConfigInputSchema.safeParse(pruneNulls(value));
      if (result.success) input = result.data;
      else {
        const issue = result.error.issues[0];
        const where = formatFieldPath((issue?.path ?? []).filter(isSegment));
        findings.push(
          findingAt(chosen.doc, 'data.mesh', MESH_RULES.meshConfig, 'error', `ConfigMap ${chosen.header.namespace}/istio data.mesh${where === '' ? '' : ` ${where}`}: ${issue?.message ?? 'invalid'}; Istio defaults are used`, chosen.header),
        );
      }
    }
  }
  // Istio overlays data.mesh on DefaultMeshConfig (pkg/config/mesh/mesh.go), whose rootNamespace is
  // istio-system; Istio's Helm chart always writes rootNamespace (its install namespace) explicitly.
  return { meshConfig: Object.freeze(resolveMeshConfig(input)), source };
}

function ref(entry: Entry): { kind: string; namespace: string; name: string } {
  return { kind: entry.header.kind, namespace: entry.header.namespace, name: entry.header.name };
}

function isSegment(key: PropertyKey): key is PathSegment {
  return typeof key === 'string' || typeof key === 'number';
}

function buildWorkload(entry: Entry, namespaces: ReadonlyMap<string, Namespace>, gateways: ReadonlyMap<string, Gateway>, findings: MeshFinding[]): Workload | undefined {
  const template = readPodTemplate(entry.header.kind, entry.doc.value);
  if (template === undefined) {
    findings.push(findingAt(entry.doc, 'spec', MESH_RULES.invalidObject, 'error', `${describe(entry.header)} has no pod template; ignored`, entry.header));
    return undefined;
  }
  const namespace = entry.header.namespace;
  const dataplane = dataplaneOf({
    namespace,
    namespaceLabels: namespaces.get(namespace)?.labels ?? {},
    labels: template.labels,
    annotations: template.annotations,
    hostNetwork: template.hostNetwork,
    containerNames: template.containerNames,
  });
  const gatewayName = template.labels[LABEL_GATEWAY_NAME];
  const gateway = gatewayName === undefined ? undefined : gateways.get(`${namespace}/${gatewayName}`);
  const isWaypoint = gateway?.gatewayClassName === WAYPOINT_CLASS || template.labels[LABEL_GATEWAY_MANAGED] === WAYPOINT_CONTROLLER;
  const rewritten = probesRewritten(dataplane, template.annotations);
  return Object.freeze({
    ...baseObject(entry, template.labels, template.annotations),
    serviceAccount: template.serviceAccount,
    containerPorts: Object.freeze(template.containerPorts),
    dataplane,
    ...(gatewayName === undefined ? {} : { gatewayName }),
    isWaypoint,
    probes: Object.freeze(template.probes.map((p) => ({ ...p, rewritten }))),
  });
}

function buildService(entry: Entry): Service {
  const spec = objectAt(entry.doc.value, 'spec');
  const selector = stringMap(spec?.['selector']);
  const ports: ServicePort[] = [];
  for (const raw of arrayAt(spec, 'ports')) {
    if (!isPlainObject(raw)) continue;
    const port = raw['port'];
    if (typeof port !== 'number' || !Number.isInteger(port)) continue;
    const name = stringAt(raw, 'name');
    const target = raw['targetPort'];
    const targetPort = typeof target === 'number' ? target : typeof target === 'string' && target !== '' ? (/^\d+$/.test(target) ? Number(target) : target) : undefined;
    const appProtocol = stringAt(raw, 'appProtocol');
    ports.push({
      ...(name === undefined ? {} : { name }),
      port,
      ...(targetPort === undefined ? {} : { targetPort }),
      protocol: stringAt(raw, 'protocol') ?? 'TCP',
      ...(appProtocol === undefined ? {} : { appProtocol }),
    });
  }
  return Object.freeze({
    ...baseObject(entry),
    ...(Object.keys(selector).length === 0 ? {} : { selector: Object.freeze(selector) }),
    ports: Object.freeze(ports),
  });
}

function buildPolicy(entry: Entry, findings: MeshFinding[]): SecurityPolicy<unknown> | undefined {
  const kind = entry.header.kind as PolicyKind;
  const rawSpec = isPlainObject(entry.doc.value) ? entry.doc.value['spec'] : undefined;
  const spec = rawSpec === undefined || rawSpec === null ? {} : pruneNulls(rawSpec);
  const result = POLICY_SCHEMAS[kind].safeParse(spec);
  if (!result.success) {
    const issue = result.error.issues[0];
    const segments: PathSegment[] = ['spec', ...(issue?.path ?? []).filter(isSegment)];
    if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) segments.push(issue.keys[0]);
    const field = formatFieldPath(segments);
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
    findings.push(
      findingAt(entry.doc, field, MESH_RULES.invalidPolicy, 'error', `${describe(entry.header)} is left out of the mesh: the CRD schema rejects ${field}: ${issue?.message ?? 'invalid'}${more}`, entry.header),
    );
    return undefined;
  }
  return Object.freeze({ ...baseObject(entry), spec: result.data });
}

/** Builds the snapshot. Objects keep their document order within each kind (a duplicate takes the last position). */
export function buildMesh(documents: readonly ParsedDocument[]): BuildMeshResult {
  const findings: MeshFinding[] = [];
  const entries = collect(documents, findings);
  const of = (category: Category) => entries.filter((e) => e.category === category);

  const namespaces = new Map<string, Namespace>();
  for (const entry of of('namespace')) namespaces.set(entry.header.name, baseObject(entry));
  const { meshConfig, source: meshConfigSource } = readMeshConfig(of('configMap'), findings);

  const gateways: Gateway[] = [];
  const gatewaysByName = new Map<string, Gateway>();
  for (const entry of of('gateway')) {
    const gateway: Gateway = Object.freeze({ ...baseObject(entry), gatewayClassName: stringAt(objectAt(entry.doc.value, 'spec'), 'gatewayClassName') ?? '' });
    gateways.push(gateway);
    gatewaysByName.set(`${gateway.namespace}/${gateway.name}`, gateway);
  }

  const workloads: Workload[] = [];
  for (const entry of of('workload')) {
    const workload = buildWorkload(entry, namespaces, gatewaysByName, findings);
    if (workload !== undefined) workloads.push(workload);
  }

  const authorizationPolicies: AuthorizationPolicy[] = [];
  const peerAuthentications: PeerAuthentication[] = [];
  const requestAuthentications: RequestAuthentication[] = [];
  for (const entry of of('policy')) {
    const policy = buildPolicy(entry, findings);
    if (policy === undefined) continue;
    if (entry.header.kind === 'AuthorizationPolicy') authorizationPolicies.push(policy as AuthorizationPolicy);
    else if (entry.header.kind === 'PeerAuthentication') peerAuthentications.push(policy as PeerAuthentication);
    else requestAuthentications.push(policy as RequestAuthentication);
  }

  const mesh: Mesh = Object.freeze({
    meshConfig,
    ...(meshConfigSource === undefined ? {} : { meshConfigSource }),
    namespaces,
    workloads: Object.freeze(workloads),
    services: Object.freeze(of('service').map(buildService)),
    serviceAccounts: Object.freeze(of('serviceAccount').map((e) => baseObject(e) as ServiceAccount)),
    gateways: Object.freeze(gateways),
    authorizationPolicies: Object.freeze(authorizationPolicies),
    peerAuthentications: Object.freeze(peerAuthentications),
    requestAuthentications: Object.freeze(requestAuthentications),
  });
  return { mesh, findings };
}
