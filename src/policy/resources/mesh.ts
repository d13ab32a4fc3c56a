// The Mesh snapshot: an immutable, typed view of everything the engine reads (namespaces, workloads,
// services, service accounts, Gateways, the three Istio security kinds, MeshConfig), each object with
// its source location. src/policy/parse builds it from files; src/kube builds the same from a cluster.
import type { AuthorizationPolicySpec } from './authorization-policy.js';
import type { MeshConfig } from './mesh-config.js';
import type { PeerAuthenticationSpec } from './peer-authentication.js';
import type { RequestAuthenticationSpec } from './request-authentication.js';

/** Where an object (or a field of it) was read from. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** Kind, namespace and name: how findings and reasons name an object. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** Metadata every object of the snapshot carries. */
export interface MeshObject extends ObjectRef {
  readonly apiVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** RFC 3339, when the source had one; decides which PeerAuthentication is "oldest". */
  readonly creationTimestamp?: string;
  /** Start of the object's document. */
  readonly source: SourceLocation;
  /**
   * Line of a field path such as `spec.rules[0].from[0].source.principals[1]` in the source file;
   * falls back to the nearest ancestor that exists, then to the document's first line.
   */
  lineOf(fieldPath: string): number;
}

/** An Istio security resource whose spec passed the CRD schema. */
export interface SecurityPolicy<Spec> extends MeshObject {
  readonly spec: Spec;
}

export type AuthorizationPolicy = SecurityPolicy<AuthorizationPolicySpec>;
export type PeerAuthentication = SecurityPolicy<PeerAuthenticationSpec>;
export type RequestAuthentication = SecurityPolicy<RequestAuthenticationSpec>;

/** How a workload takes part in the mesh. */
export type DataplaneMode = 'sidecar' | 'ambient' | 'none';

export interface ContainerPort {
  readonly port: number;
  readonly name?: string;
  readonly protocol: string;
}

/** A Pod or a pod template owner (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). */
export interface Workload extends MeshObject {
  /** Pod (template) labels: what selectors match. `labels` of MeshObject are these too. */
  readonly serviceAccount: string;
  readonly containerPorts: readonly ContainerPort[];
  readonly dataplane: DataplaneMode;
  /** Value of the `gateway.networking.k8s.io/gateway-name` label: a Gateway-API gateway or waypoint. */
  readonly gatewayName?: string;
  /** The workload is a waypoint proxy (its Gateway has class `istio-waypoint`, or istio manages it as one). */
  readonly isWaypoint: boolean;
  /** The kubelet's health probes, and whether the sidecar rewrites them (annotation or injection off). */
  readonly probes: readonly WorkloadProbe[];
}

/** How the kubelet probes: `http` (httpGet), `https` (httpGet with scheme HTTPS), `tcp` (tcpSocket), `grpc`. */
export type ProbeKind = 'http' | 'https' | 'tcp' | 'grpc';

export interface WorkloadProbe {
  readonly port: number | string;
  readonly rewritten: boolean;
  /** Absent on workloads built by hand: read as `tcp`. */
  readonly kind?: ProbeKind;
  /** The httpGet path (default `/`). */
  readonly path?: string;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** Number, or the name of a container port; absent means the same as `port`. */
  readonly targetPort?: number | string;
  readonly protocol: string;
  readonly appProtocol?: string;
}

export interface Service extends MeshObject {
  /** Absent: the Service selects no pods (headless/external). */
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePort[];
}

export type Namespace = MeshObject;
export type ServiceAccount = MeshObject;

/** A Gateway of gateway.networking.k8s.io (target of `targetRefs`). */
export interface Gateway extends MeshObject {
  readonly gatewayClassName: string;
}

/** The immutable snapshot the engine evaluates and analyzes. */
export interface Mesh {
  readonly meshConfig: MeshConfig;
  /** Where MeshConfig came from, if a ConfigMap `istio` was present. */
  readonly meshConfigSource?: MeshObject;
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly workloads: readonly Workload[];
  readonly services: readonly Service[];
  readonly serviceAccounts: readonly ServiceAccount[];
  readonly gateways: readonly Gateway[];
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  readonly peerAuthentications: readonly PeerAuthentication[];
  readonly requestAuthentications: readonly RequestAuthentication[];
}
