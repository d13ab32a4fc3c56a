// Turns objects read from a cluster into the ParsedDocument inputs of the engine's buildMesh, so the
// live source and the file source build the Mesh the same way (no second mapping). Pods are folded
// into their top-level owner (Deployment via its ReplicaSet, StatefulSet, DaemonSet, Job, ReplicaSet),
// one workload per owner, as a manifest of that owner would describe it. Pure: no requests here.
import type { ParsedDocument } from '../policy/parse/parsed-document.js';

type Obj = Record<string, unknown>;

/** Labels the controllers add to pods; a manifest's pod template does not carry them. */
const CONTROLLER_LABELS: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/job-completion-index',
]);

const OWNER_API_VERSIONS: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
};

/** Where a cluster object "comes from" in findings and reasons: `cluster:Kind/ns/name`. */
export function clusterSourceName(kind: string, namespace: string, name: string): string {
  return namespace === '' ? `cluster:${kind}/${name}` : `cluster:${kind}/${namespace}/${name}`;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A ParsedDocument for an API object; every field is on line 1 of its `cluster:` source. */
export function clusterDocument(value: Obj, index: number): ParsedDocument {
  const metadata = isObj(value['metadata']) ? value['metadata'] : {};
  const file = clusterSourceName(str(value['kind']) ?? '', str(metadata['namespace']) ?? '', str(metadata['name']) ?? '');
  return { file, index, source: { file, line: 1, column: 1 }, value, lineOf: () => 1 };
}

/** The object with apiVersion and kind set (list items omit them) and without managedFields. */
export function normalizeObject(value: Obj, apiVersion: string, kind: string): Obj {
  const metadata = isObj(value['metadata']) ? { ...value['metadata'] } : {};
  delete metadata['managedFields'];
  return { ...value, apiVersion, kind, metadata };
}

interface Owner {
  readonly kind: string;
  readonly name: string;
}

/** The top-level owner of a pod: a Deployment behind a `<deployment>-<pod-template-hash>` ReplicaSet. */
export function podOwner(pod: Obj): Owner | undefined {
  const metadata = isObj(pod['metadata']) ? pod['metadata'] : {};
  const refs = Array.isArray(metadata['ownerReferences']) ? metadata['ownerReferences'].filter(isObj) : [];
  const controller = refs.find((r) => r['controller'] === true) ?? refs[0];
  if (controller === undefined) return undefined;
  const kind = str(controller['kind']);
  const name = str(controller['name']);
  if (kind === undefined || name === undefined || !(kind in OWNER_API_VERSIONS)) return undefined;
  if (kind === 'ReplicaSet') {
    const labels = isObj(metadata['labels']) ? metadata['labels'] : {};
    const hash = str(labels['pod-template-hash']);
    if (hash !== undefined && name.endsWith(`-${hash}`) && name.length > hash.length + 1) {
      return { kind: 'Deployment', name: name.slice(0, -(hash.length + 1)) };
    }
  }
  return { kind, name };
}

function isRunningPod(pod: Obj): boolean {
  const metadata = isObj(pod['metadata']) ? pod['metadata'] : {};
  const phase = isObj(pod['status']) ? str(pod['status']['phase']) : undefined;
  return metadata['deletionTimestamp'] === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

function withoutControllerLabels(labels: unknown): Obj {
  if (!isObj(labels)) return {};
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !CONTROLLER_LABELS.has(key)));
}

function newestFirst(a: Obj, b: Obj): number {
  const at = str((a['metadata'] as Obj | undefined)?.['creationTimestamp']) ?? '';
  const bt = str((b['metadata'] as Obj | undefined)?.['creationTimestamp']) ?? '';
  if (at !== bt) return at < bt ? 1 : -1;
  const an = str((a['metadata'] as Obj | undefined)?.['name']) ?? '';
  const bn = str((b['metadata'] as Obj | undefined)?.['name']) ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/**
 * Workload objects for the pods of a cluster: a pod without a known owner stays a Pod; the pods of
 * one owner become one object of the owner's kind whose pod template is its newest running pod (its
 * labels without the controller-added ones). Terminated and terminating pods are left out.
 */
export function workloadsFromPods(pods: readonly Obj[]): Obj[] {
  const byOwner = new Map<string, { owner: Owner; namespace: string; pods: Obj[] }>();
  const out: Obj[] = [];
  for (const pod of pods) {
    if (!isRunningPod(pod)) continue;
    const metadata = isObj(pod['metadata']) ? pod['metadata'] : {};
    const owner = podOwner(pod);
    if (owner === undefined) {
      out.push(normalizeObject(pod, 'v1', 'Pod'));
      continue;
    }
    const namespace = str(metadata['namespace']) ?? 'default';
    const key = `${namespace}/${owner.kind}/${owner.name}`;
    const group = byOwner.get(key) ?? { owner, namespace, pods: [] };
    group.pods.push(pod);
    byOwner.set(key, group);
  }
  for (const { owner, namespace, pods: members } of byOwner.values()) {
    const newest = [...members].sort(newestFirst)[0] as Obj;
    const metadata = isObj(newest['metadata']) ? newest['metadata'] : {};
    const oldest = [...members].sort(newestFirst).at(-1) as Obj;
    const created = str((oldest['metadata'] as Obj | undefined)?.['creationTimestamp']);
    const labels = withoutControllerLabels(metadata['labels']);
    const annotations = isObj(metadata['annotations']) ? metadata['annotations'] : {};
    out.push({
      apiVersion: OWNER_API_VERSIONS[owner.kind],
      kind: owner.kind,
      metadata: { name: owner.name, namespace, labels, ...(created === undefined ? {} : { creationTimestamp: created }) },
      spec: { template: { metadata: { labels, annotations }, spec: newest['spec'] ?? {} } },
    });
  }
  return out;
}
