// Which `apiVersion`/`kind` pairs the API server of an Istio cluster serves, as far as gic needs to
// know, and the kubectl-like verdict on a document's type (docs/input-errors.md "Unknown kinds"):
// - a group gic reads or that Istio installs (core, apps, batch, security.istio.io, networking.istio.io,
//   telemetry.istio.io, extensions.istio.io, gateway.networking.k8s.io) with a kind it does not serve,
//   or in a version it does not serve, is an error ("no matches for kind"), as `kubectl apply` says;
// - a group that is a near miss of such a group (`app/v1`, `security.istio.i0/v1`) is an error;
// - a kind of another group that is a near miss of a kind gic reads (`Deploymnet`) is an error;
// - any other group is foreign (a CRD gic does not read, such as cert-manager's): ignored, not an error.
// Pure data and string functions.
import { closest } from './near-miss.js';

/** Served versions (undefined: any version) and kinds of each known group (`` is the core group). */
const GROUPS: ReadonlyMap<string, { readonly versions?: readonly string[]; readonly kinds: readonly string[] }> = new Map([
  [
    '',
    {
      versions: ['v1'],
      kinds: [
        'Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume',
        'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount',
      ],
    },
  ],
  ['apps', { versions: ['v1'], kinds: ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'] }],
  ['batch', { versions: ['v1'], kinds: ['CronJob', 'Job'] }],
  ['security.istio.io', { versions: ['v1', 'v1beta1'], kinds: ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'] }],
  [
    'networking.istio.io',
    { versions: ['v1', 'v1beta1', 'v1alpha3'], kinds: ['DestinationRule', 'EnvoyFilter', 'Gateway', 'ProxyConfig', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup'] },
  ],
  ['telemetry.istio.io', { kinds: ['Telemetry'] }],
  ['extensions.istio.io', { kinds: ['WasmPlugin'] }],
  [
    'gateway.networking.k8s.io',
    { kinds: ['BackendLBPolicy', 'BackendTLSPolicy', 'GRPCRoute', 'Gateway', 'GatewayClass', 'HTTPRoute', 'ListenerSet', 'ReferenceGrant', 'TCPRoute', 'TLSRoute', 'UDPRoute'] },
  ],
]);

/** The kinds gic reads (cli.md "The mesh directory"): a near miss of one of them is a typo. */
const READ_KINDS: readonly string[] = [
  'Namespace', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Service', 'ServiceAccount',
  'ConfigMap', 'AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication', 'Gateway',
];

/** Why a document's apiVersion/kind is not something the API server serves, or undefined when it is (or is foreign). */
export function unknownKindProblem(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const known = GROUPS.get(group);
  if (known !== undefined) {
    if (!known.kinds.includes(kind)) {
      const near = closest(kind, known.kinds) ?? closest(kind, READ_KINDS);
      const home = homeOf(kind);
      const hint = home !== undefined ? `: ${kind} is served by ${home}` : near !== undefined ? `: did you mean ${near}?` : '';
      return `no matches for kind "${kind}" in version "${apiVersion}"${hint}`;
    }
    if (known.versions !== undefined && !known.versions.includes(version)) {
      return `no matches for kind "${kind}" in version "${apiVersion}": use ${known.versions.map((v) => (group === '' ? v : `${group}/${v}`)).join(' or ')}`;
    }
    return undefined;
  }
  const nearGroup = closest(group, [...GROUPS.keys()].filter((g) => g !== ''));
  if (nearGroup !== undefined) return `no matches for kind "${kind}" in version "${apiVersion}": unknown API group "${group}", did you mean "${nearGroup}"?`;
  if (!READ_KINDS.includes(kind)) {
    const near = closest(kind, READ_KINDS);
    if (near !== undefined) return `no matches for kind "${kind}" in version "${apiVersion}": did you mean ${near}?`;
  }
  return undefined;
}

/** The apiVersion that serves a kind gic reads, when `kind` is one (e.g. `apps/v1` for Deployment). */
function homeOf(kind: string): string | undefined {
  for (const [group, info] of GROUPS) {
    if (!READ_KINDS.includes(kind) || !info.kinds.includes(kind)) continue;
    const version = info.versions?.[0] ?? 'v1';
    return group === '' ? version : `${group}/${version}`;
  }
  return undefined;
}
