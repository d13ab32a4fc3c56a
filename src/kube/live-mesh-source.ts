// A MeshSource over a live cluster: lists and watches (client-node informers) Namespaces, Pods,
// Services, ServiceAccounts, the `istio` ConfigMap of the Istio namespace, Gateways and the three Istio
// security kinds, all through the KubeGateway allow-list, and rebuilds the Mesh with the engine's
// buildMesh on demand after changes. Recovers by itself: a 410 Gone relists (client-node), and any
// other watch or list failure (API server restart, network) restarts the informer with capped
// exponential backoff, resuming from the last resourceVersion. Never writes.
import { type KubernetesListObject, type KubernetesObject, ListWatch } from '@kubernetes/client-node';

import type { Logger } from '../log.js';
import { buildMesh } from '../policy/parse/build-mesh.js';
import { collectInputErrors } from '../policy/parse/input-errors.js';
import { clusterDocument, normalizeObject, workloadsFromPods } from './cluster-documents.js';
import type { KubeGateway } from './kube-gateway.js';
import { apiVersionOf, collectionPath, CONFIG_MAPS, type KubeResource, PODS, WATCHED_RESOURCES } from './kube-resources.js';
import type { MeshSnapshot, MeshSource } from './mesh-source.js';

export interface LiveMeshSourceOptions {
  /** Namespace of the `istio` ConfigMap (Istio's root namespace). */
  readonly istioNamespace: string;
  readonly logger: Logger;
  /** First restart delay after a failure; doubles per consecutive failure up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** start() rejects when the first complete snapshot takes longer. */
  readonly readyTimeoutMs?: number;
  /** Label for results and logs (e.g. the kubeconfig context). */
  readonly origin?: string;
}

/** The state of one watched kind, as status() reports it. */
export interface WatchedKindStatus {
  readonly kind: string;
  /** Listed at least once since start. */
  readonly listed: boolean;
  /** The last failure, while the informer is waiting to restart. */
  readonly error?: string;
  readonly failures: number;
  readonly resourceVersion: string;
}

export interface LiveMeshSourceStatus {
  readonly ready: boolean;
  readonly kinds: readonly WatchedKindStatus[];
  /** Optional kinds the cluster does not serve (CRD not installed): not watched. */
  readonly notServed: readonly string[];
}

type Obj = Record<string, unknown>;

interface Watched {
  readonly resource: KubeResource;
  readonly informer: ListWatch<KubernetesObject>;
  listed: boolean;
  failures: number;
  error?: string;
  restartTimer?: NodeJS.Timeout;
}

export class LiveMeshSource implements MeshSource {
  readonly origin: string;
  private readonly gateway: KubeGateway;
  private readonly options: Required<Omit<LiveMeshSourceOptions, 'origin'>>;
  private readonly watched: Watched[] = [];
  private readonly notServed: string[] = [];
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  private built: MeshSnapshot | undefined;
  private stopped = false;
  private readyWaiters: (() => void)[] = [];

  constructor(gateway: KubeGateway, options: LiveMeshSourceOptions) {
    this.gateway = gateway;
    this.origin = options.origin ?? 'cluster';
    this.options = {
      istioNamespace: options.istioNamespace,
      logger: options.logger,
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    };
  }

  async start(): Promise<void> {
    for (const resource of WATCHED_RESOURCES) {
      if (resource.optional && !(await this.gateway.serves(resource.group, resource.version, resource.plural))) {
        this.notServed.push(`${resource.kind}.${resource.group}/${resource.version}`);
        this.options.logger.info('kind not served by the cluster; not watched', { kind: resource.kind, apiVersion: apiVersionOf(resource) });
        continue;
      }
      this.watched.push(this.watch(resource));
    }
    const ready = new Promise<void>((resolve, reject) => {
      if (this.ready()) return resolve();
      const timer = setTimeout(() => reject(new Error(`cluster snapshot not complete after ${this.options.readyTimeoutMs} ms: ${this.describeProblems()}`)), this.options.readyTimeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    for (const w of this.watched) void w.informer.start();
    await ready;
  }

  ready(): boolean {
    return !this.stopped && this.watched.length > 0 && this.watched.every((w) => w.listed);
  }

  status(): LiveMeshSourceStatus {
    return {
      ready: this.ready(),
      kinds: this.watched.map((w) => ({
        kind: w.resource.kind,
        listed: w.listed,
        failures: w.failures,
        resourceVersion: w.informer.latestResourceVersion(),
        ...(w.error === undefined ? {} : { error: w.error }),
      })),
      notServed: [...this.notServed],
    };
  }

  snapshot(): MeshSnapshot {
    if (this.built !== undefined && this.built.generation === this.generation) return this.built;
    if (!this.watched.some((w) => w.listed)) throw new Error('LiveMeshSource.snapshot() before the cluster was listed');
    const objects: Obj[] = [];
    const resourceVersions: Record<string, string> = {};
    for (const w of this.watched) {
      resourceVersions[w.resource.kind] = w.informer.latestResourceVersion();
      const items = w.informer.list().map((o) => normalizeObject(o as unknown as Obj, apiVersionOf(w.resource), w.resource.kind));
      objects.push(...(w.resource === PODS ? workloadsFromPods(items) : items).sort(byNamespaceAndName));
    }
    const documents = objects.map((o, i) => clusterDocument(o, i));
    const { mesh, findings } = buildMesh(documents);
    this.built = { mesh, findings, inputErrors: collectInputErrors(findings), documents, resourceVersion: newest(Object.values(resourceVersions)), resourceVersions, generation: this.generation };
    return this.built;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    for (const w of this.watched) {
      clearTimeout(w.restartTimer);
      await w.informer.stop();
    }
  }

  private watch(resource: KubeResource): Watched {
    const namespace = resource === CONFIG_MAPS ? this.options.istioNamespace : undefined;
    const fieldSelector = resource === CONFIG_MAPS ? 'metadata.name=istio' : undefined;
    const path = collectionPath(resource, namespace);
    // The list function needs the Watched record, which needs the informer built with that function.
    const ref: { current?: Watched } = {};
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const result = await this.gateway.list(resource, { ...(namespace === undefined ? {} : { namespace }), ...(fieldSelector === undefined ? {} : { fieldSelector }) });
      const watched = ref.current;
      if (watched !== undefined) {
        const first = !watched.listed;
        watched.listed = true;
        watched.failures = 0;
        delete watched.error;
        // A relist may change nothing visible to the informer's callbacks; rebuild anyway.
        this.changed();
        if (first && this.ready()) this.notifyReady();
      }
      return { apiVersion: 'v1', kind: 'List', metadata: result.metadata, items: result.items as KubernetesObject[] };
    };
    const informer = new ListWatch<KubernetesObject>(path, this.gateway.watch(), list, false, undefined, fieldSelector);
    const w: Watched = { resource, informer, listed: false, failures: 0 };
    ref.current = w;
    const onChange = (): void => this.changed();
    informer.on('add', onChange);
    informer.on('update', onChange);
    informer.on('delete', onChange);
    informer.on('error', (error: unknown) => this.failed(w, error));
    return w;
  }

  /** An informer stopped on an error: restart it after a capped exponential backoff with jitter. */
  private failed(w: Watched, error: unknown): void {
    if (this.stopped || w.restartTimer !== undefined) return;
    w.failures += 1;
    w.error = error instanceof Error ? error.message : typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
    const base = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** Math.min(w.failures - 1, 20));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.options.logger.warn('watch failed; restarting', { kind: w.resource.kind, failures: w.failures, delayMs: delay, error: w.error });
    w.restartTimer = setTimeout(() => {
      delete w.restartTimer;
      if (!this.stopped) void w.informer.start();
    }, delay);
  }

  private changed(): void {
    this.generation += 1;
    if (!this.ready()) return;
    for (const listener of [...this.listeners]) listener();
  }

  private notifyReady(): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private describeProblems(): string {
    return this.watched.filter((w) => !w.listed).map((w) => `${w.resource.kind}: ${w.error ?? 'not listed yet'}`).join('; ');
  }
}

function byNamespaceAndName(a: Obj, b: Obj): number {
  const key = (o: Obj): string => {
    const m = (o['metadata'] ?? {}) as Obj;
    return `${String(m['namespace'] ?? '')}\0${String(m['name'] ?? '')}`;
  };
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The largest numeric resourceVersion (etcd revisions are numbers); else the values joined. */
function newest(versions: readonly string[]): string {
  if (versions.every((v) => /^\d+$/.test(v))) return versions.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a), '0');
  return versions.join(',');
}
