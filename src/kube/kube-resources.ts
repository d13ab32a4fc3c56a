// The allow-list of what gic may touch in a cluster: the kinds the live mesh source reads (list +
// watch) and the kinds the dry-run gateway may dry-run. kube-gateway.ts refuses anything else.
// Data only: no requests here.

/** One API resource: how to address it and what its objects are. */
export interface KubeResource {
  /** API group; `` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** The API may be absent (a CRD that is not installed): the live source then skips it. */
  readonly optional: boolean;
}

export const SECURITY_GROUP = 'security.istio.io';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

export const NAMESPACES: KubeResource = { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, optional: false };
export const PODS: KubeResource = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, optional: false };
export const SERVICES: KubeResource = { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, optional: false };
export const SERVICE_ACCOUNTS: KubeResource = { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, optional: false };
/** Only the `istio` ConfigMap of Istio's root namespace is read (field selector, Role with resourceNames). */
export const CONFIG_MAPS: KubeResource = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, optional: false };
export const AUTHORIZATION_POLICIES: KubeResource = { group: SECURITY_GROUP, version: 'v1', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', namespaced: true, optional: true };
export const PEER_AUTHENTICATIONS: KubeResource = { group: SECURITY_GROUP, version: 'v1', kind: 'PeerAuthentication', plural: 'peerauthentications', namespaced: true, optional: true };
export const REQUEST_AUTHENTICATIONS: KubeResource = { group: SECURITY_GROUP, version: 'v1', kind: 'RequestAuthentication', plural: 'requestauthentications', namespaced: true, optional: true };
export const GATEWAYS: KubeResource = { group: GATEWAY_API_GROUP, version: 'v1', kind: 'Gateway', plural: 'gateways', namespaced: true, optional: true };

/** What the live mesh source lists and watches, in the order it starts them. */
export const WATCHED_RESOURCES: readonly KubeResource[] = [
  NAMESPACES,
  CONFIG_MAPS,
  SERVICE_ACCOUNTS,
  SERVICES,
  PODS,
  GATEWAYS,
  AUTHORIZATION_POLICIES,
  PEER_AUTHENTICATIONS,
  REQUEST_AUTHENTICATIONS,
];

/** The only kinds the gateway dry-runs: the Istio security kinds, in the versions Istio serves. */
export const DRY_RUN_KINDS: ReadonlyMap<string, { readonly plural: string; readonly versions: readonly string[] }> = new Map([
  ['AuthorizationPolicy', { plural: 'authorizationpolicies', versions: ['v1', 'v1beta1'] }],
  ['PeerAuthentication', { plural: 'peerauthentications', versions: ['v1', 'v1beta1'] }],
  ['RequestAuthentication', { plural: 'requestauthentications', versions: ['v1', 'v1beta1'] }],
]);

export function apiVersionOf(resource: KubeResource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** Path of the collection, across all namespaces or in one. */
export function collectionPath(resource: KubeResource, namespace?: string): string {
  const base = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  return namespace === undefined || !resource.namespaced ? `${base}/${resource.plural}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}
