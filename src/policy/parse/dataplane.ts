// How a pod takes part in the mesh, decided as Istio decides it: the injection webhook's selectors
// (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml) and
// injectRequired (pkg/kube/inject/inject.go) for sidecars; the istio-cni enablement selectors
// (manifests/charts/istio-cni/values.yaml, cni/pkg/util/enablement_selector.go) for ambient.
// Pure: labels in, a mode out. It assumes the default revision and every named revision are installed.
import type { DataplaneMode } from '../resources/mesh.js';

export const LABEL_INJECTION = 'istio-injection';
export const LABEL_REV = 'istio.io/rev';
export const LABEL_DATAPLANE_MODE = 'istio.io/dataplane-mode';
export const LABEL_SIDECAR_INJECT = 'sidecar.istio.io/inject';
export const ANNOTATION_SIDECAR_STATUS = 'sidecar.istio.io/status';
export const ANNOTATION_REWRITE_PROBES = 'sidecar.istio.io/rewriteAppHTTPProbers';
export const PROXY_CONTAINER = 'istio-proxy';

/** Namespaces injectRequired never injects (Istio's IgnoredNamespaces). */
const INJECTION_IGNORED_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public']);

export interface PodFacts {
  readonly namespace: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly hostNetwork: boolean;
  /** Names of containers and init containers. */
  readonly containerNames: readonly string[];
}

/** The pod already carries a proxy: pre-injected (`istioctl kube-inject`) or injected before. */
export function hasSidecarProxy(pod: PodFacts): boolean {
  return pod.containerNames.includes(PROXY_CONTAINER) || pod.annotations[ANNOTATION_SIDECAR_STATUS] !== undefined;
}

/** Whether one of the injection webhooks (default or revisioned) is called for the pod. */
function webhookSelects(pod: PodFacts): boolean {
  const nsInjection = pod.namespaceLabels[LABEL_INJECTION];
  // An empty revision names no installed revision (the webhooks match `istio.io/rev In [<rev>]`).
  const nsRev = pod.namespaceLabels[LABEL_REV] || undefined;
  const podRev = pod.labels[LABEL_REV] || undefined;
  const podInject = pod.labels[LABEL_SIDECAR_INJECT];
  const notDisabled = podInject !== 'false';
  // namespace.sidecar-injector: istio-injection=enabled.
  if (nsInjection === 'enabled') return notDisabled;
  // istio-injection set to anything else switches every other webhook off for the namespace.
  if (nsInjection !== undefined) return false;
  // rev.namespace: the namespace names a revision (an empty label still rules out the default webhooks).
  if (nsRev !== undefined) return notDisabled;
  if (pod.namespaceLabels[LABEL_REV] !== undefined) return false;
  // rev.object: the pod names a revision.
  if (podRev !== undefined) return notDisabled;
  if (pod.labels[LABEL_REV] !== undefined) return false;
  // object.sidecar-injector: the pod opts in.
  return podInject === 'true';
}

/** injectRequired with the default policy `enabled`: the label (or else the annotation) decides. */
function injectionRequired(pod: PodFacts): boolean {
  if (pod.hostNetwork) return false;
  if (INJECTION_IGNORED_NAMESPACES.has(pod.namespace)) return false;
  const selector = pod.labels[LABEL_SIDECAR_INJECT] ?? pod.annotations[LABEL_SIDECAR_INJECT] ?? '';
  return selector !== 'false';
}

/** True when a sidecar is (or would be) injected into the pod. */
export function sidecarInjected(pod: PodFacts): boolean {
  if (hasSidecarProxy(pod)) return true;
  return webhookSelects(pod) && injectionRequired(pod);
}

/** True when istio-cni would enrol the pod in ambient mode (a sidecar pod never is). */
export function ambientEnrolled(pod: PodFacts): boolean {
  if (pod.hostNetwork) return false;
  const podMode = pod.labels[LABEL_DATAPLANE_MODE];
  if (podMode === 'ambient') return true;
  return pod.namespaceLabels[LABEL_DATAPLANE_MODE] === 'ambient' && podMode !== 'none';
}

/** Sidecar wins over ambient; otherwise the pod is outside the mesh. */
export function dataplaneOf(pod: PodFacts): DataplaneMode {
  if (sidecarInjected(pod)) return 'sidecar';
  if (ambientEnrolled(pod)) return 'ambient';
  return 'none';
}

/** Go's strconv.ParseBool, which Istio applies to `sidecar.istio.io/rewriteAppHTTPProbers`. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Istio rewrites HTTP, TCP and gRPC probes of injected pods unless the annotation turns it off. */
export function probesRewritten(dataplane: DataplaneMode, annotations: Readonly<Record<string, string>>): boolean {
  if (dataplane !== 'sidecar') return false;
  const value = annotations[ANNOTATION_REWRITE_PROBES];
  return (value === undefined ? undefined : parseGoBool(value)) ?? true;
}
