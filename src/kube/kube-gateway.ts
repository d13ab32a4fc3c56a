// The one chokepoint between gic and a Kubernetes API server. Every request gic makes to a cluster
// (lists, discovery, watches' clients and the dry-run apply) is built here and checked by
// `assertAllowedRequest`: reads only of the allow-listed collections (kube-resources.ts), and the only
// write is a server-side apply of an Istio security kind WITH dryRun=All. There is no code path for a
// real write to the mesh's configuration: a request without dryRun=All is refused before it leaves the
// process. The one exception is gic's own coordination: Leases named `gic-*` (coordination.k8s.io/v1)
// for leader election between replicas (lease-elector.ts); deploy/ admits exactly those.
import { HttpMethod, type KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { fetch } from 'undici';

import { AppError } from '../errors.js';
import { SpanKind, traceHeaders, withSpan } from '../tracing.js';
import { collectionPath, CONFIG_MAPS, DRY_RUN_KINDS, type KubeResource, SECURITY_GROUP, WATCHED_RESOURCES } from './kube-resources.js';

/** The field manager of every server-side apply gic sends (dry-run only). */
export const FIELD_MANAGER = 'gic';

/** A response of the API server: any status (non-2xx does not throw), the parsed body, Warning headers. */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
  /** The text of each `Warning: 299 - "..."` header. */
  readonly warnings: readonly string[];
}

export interface KubeGatewayOptions {
  /** Per-request timeout (not for watches). */
  readonly timeoutMs: number;
}

const NAMESPACE_SEGMENT = '[a-z0-9-]{1,63}';

const READ_PATHS: readonly RegExp[] = [
  // Collections of the watched resources, cluster-wide or in one namespace (ConfigMaps: see below).
  ...WATCHED_RESOURCES.filter((r) => r !== CONFIG_MAPS).flatMap((r) => {
    const all = escape(collectionPath(r));
    const inNamespace = escape(collectionPath(r, 'NS')).replace('NS', NAMESPACE_SEGMENT);
    return [new RegExp(`^${all}$`), new RegExp(`^${inNamespace}$`)];
  }),
  // Discovery of the API groups gic reads.
  /^\/apis\/(security\.istio\.io|gateway\.networking\.k8s\.io)\/v1$/,
];

/** ConfigMaps: only the `istio` one (MeshConfig), so only in one namespace and only by that name. */
const CONFIG_MAP_PATH = new RegExp(`^${escape(collectionPath(CONFIG_MAPS, 'NS')).replace('NS', NAMESPACE_SEGMENT)}$`);
const CONFIG_MAP_SELECTOR = 'metadata.name=istio';

/** gic's own Leases (leader election): `gic-` names only, create (POST to the collection), get and update. */
const LEASE_COLLECTION = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/[a-z0-9-]{1,63}\/leases$/;
const LEASE_PATH = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/[a-z0-9-]{1,63}\/leases\/gic-[a-z0-9-]{1,59}$/;

const DRY_RUN_PATH = /^\/apis\/security\.istio\.io\/(v1|v1beta1)\/namespaces\/[a-z0-9-]{1,63}\/([a-z]+)\/[a-z0-9.-]{1,253}$/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The guard every request passes: GET of an allow-listed read path, or PATCH (server-side apply) of an
 * Istio security object with `dryRun=All`. Anything else throws, so no real write can be sent.
 */
export function assertAllowedRequest(method: string, url: URL): void {
  const path = url.pathname;
  if ((method === 'GET' || method === 'PUT') && LEASE_PATH.test(path)) return;
  if (method === 'POST' && LEASE_COLLECTION.test(path)) return;
  if (method === 'GET') {
    if (READ_PATHS.some((p) => p.test(path))) return;
    if (CONFIG_MAP_PATH.test(path) && url.searchParams.getAll('fieldSelector').join('&') === CONFIG_MAP_SELECTOR) return;
    throw new AppError('internal', `kube gateway refused to read ${path}: not an allow-listed resource`);
  }
  if (method === 'PATCH') {
    const dryRun = url.searchParams.getAll('dryRun');
    if (dryRun.length !== 1 || dryRun[0] !== 'All') {
      throw new AppError('internal', `kube gateway refused a write without dryRun=All (${method} ${path}): gic never writes to a cluster`);
    }
    const match = DRY_RUN_PATH.exec(path);
    const plural = match?.[2];
    if (plural === undefined || ![...DRY_RUN_KINDS.values()].some((k) => k.plural === plural)) {
      throw new AppError('internal', `kube gateway refused to dry-run ${path}: only ${SECURITY_GROUP} security kinds may be dry-run`);
    }
    return;
  }
  throw new AppError('internal', `kube gateway refused ${method} ${path}: gic only reads and dry-runs`);
}

/** Splits a (possibly comma-joined) Warning header into its texts: `299 - "a", 299 - "b"` -> [a, b]. */
export function parseWarningHeader(value: string | null | undefined): string[] {
  if (value === null || value === undefined || value === '') return [];
  const out: string[] = [];
  const pattern = /\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;
  for (const match of value.matchAll(pattern)) out.push((match[1] ?? '').replace(/\\(.)/g, '$1'));
  return out.length > 0 ? out : [value];
}

/** Talks to one cluster through the allow-list. Holds no state but the KubeConfig. */
export class KubeGateway {
  readonly kubeConfig: KubeConfig;
  private readonly timeoutMs: number;

  constructor(kubeConfig: KubeConfig, options: KubeGatewayOptions) {
    this.kubeConfig = kubeConfig;
    this.timeoutMs = options.timeoutMs;
  }

  /** Lists a watched resource (raw JSON, as the watch delivers it). Throws AppError on failure. */
  async list(resource: KubeResource, options: { namespace?: string; fieldSelector?: string } = {}): Promise<{ items: Record<string, unknown>[]; metadata: { resourceVersion?: string } }> {
    const query = new URLSearchParams();
    if (options.fieldSelector !== undefined) query.set('fieldSelector', options.fieldSelector);
    const response = await this.send('GET', collectionPath(resource, options.namespace), query);
    if (response.status !== 200) throw statusError(`list ${resource.plural}`, response);
    const body = response.body as { items?: Record<string, unknown>[] | null; metadata?: { resourceVersion?: string } };
    return { items: body.items ?? [], metadata: body.metadata ?? {} };
  }

  /** Whether `group/version` serves `plural` (discovery); false when the group version is not served. */
  async serves(group: string, version: string, plural: string): Promise<boolean> {
    const response = await this.send('GET', `/apis/${group}/${version}`, new URLSearchParams());
    if (response.status === 404) return false;
    if (response.status !== 200) throw statusError(`discover ${group}/${version}`, response);
    const resources = (response.body as { resources?: { name?: string }[] }).resources ?? [];
    return resources.some((r) => r.name === plural);
  }

  /** A Watch for the informers: GET with watch=true, and only of allow-listed paths. */
  watch(): Watch {
    return new GuardedWatch(this.kubeConfig);
  }

  /**
   * Server-side apply of one Istio security object with dryRun=All, fieldValidation=Strict and field
   * manager `gic`. `force` takes over fields other managers own (see dry-run-resources.ts for when).
   */
  async dryRunApply(object: Readonly<Record<string, unknown>>, options: { force: boolean }): Promise<KubeResponse> {
    const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
    const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
    const metadata = (object['metadata'] ?? {}) as { name?: unknown; namespace?: unknown };
    const target = DRY_RUN_KINDS.get(kind);
    const [group, version] = apiVersion.split('/');
    if (target === undefined || group !== SECURITY_GROUP || version === undefined || !target.versions.includes(version)) {
      throw new AppError('internal', `kube gateway dry-runs only ${SECURITY_GROUP} security kinds, not ${apiVersion} ${kind}`);
    }
    const namespace = String(metadata.namespace);
    const name = String(metadata.name);
    const query = new URLSearchParams({ dryRun: 'All', fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' });
    if (options.force) query.set('force', 'true');
    const path = `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${target.plural}/${encodeURIComponent(name)}`;
    return this.send('PATCH', path, query, JSON.stringify(object), 'application/apply-patch+yaml');
  }

  /** GET, POST (create) or PUT (update) of one of gic's own Leases (`gic-*`), for leader election. */
  async lease(method: 'GET' | 'POST' | 'PUT', namespace: string, name: string, body?: Readonly<Record<string, unknown>>): Promise<KubeResponse> {
    if (!/^gic-[a-z0-9-]{1,59}$/.test(name)) throw new AppError('internal', `kube gateway handles only gic's own Leases (gic-*), not ${name}`);
    const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
    const path = method === 'POST' ? collection : `${collection}/${name}`;
    return this.send(method, path, new URLSearchParams(), body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json');
  }

  /** The chokepoint: every request of the gateway goes through here and through assertAllowedRequest; one client span each. */
  private send(method: 'GET' | 'PATCH' | 'POST' | 'PUT', path: string, query: URLSearchParams, body?: string, contentType?: string): Promise<KubeResponse> {
    const dryRun = query.get('dryRun') === 'All';
    return withSpan(
      `kube ${method}`,
      { 'http.request.method': method, 'url.path': path, 'gic.kube.dry_run': dryRun },
      async (span) => {
        const response = await this.exchange(method, path, query, body, contentType);
        span.setAttribute('http.response.status_code', response.status);
        return response;
      },
      SpanKind.CLIENT,
    );
  }

  private async exchange(method: 'GET' | 'PATCH' | 'POST' | 'PUT', path: string, query: URLSearchParams, body?: string, contentType?: string): Promise<KubeResponse> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (cluster === null) throw new AppError('usage', 'the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [key, value] of query) url.searchParams.append(key, value);
    assertAllowedRequest(method, url);

    const context = new RequestContext(url.toString(), HttpMethod[method]);
    await this.kubeConfig.applySecurityAuthentication(context);
    const headers: Record<string, string> = traceHeaders({ ...context.getHeaders(), Accept: 'application/json' });
    if (contentType !== undefined) headers['Content-Type'] = contentType;
    const dispatcher = context.getDispatcher();
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(dispatcher === undefined ? {} : { dispatcher }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        // Not JSON (a proxy's error page): keep the text.
      }
      return { status: response.status, body: parsed, warnings: parseWarningHeader(response.headers.get('warning')) };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
      throw new AppError(timedOut ? 'cluster-timeout' : 'cluster-unreachable', `${method} ${url.origin}${path}: ${reason}`, { cause: error, retryable: true, details: { server: url.origin } });
    } finally {
      if (dispatcher !== undefined) void dispatcher.close().catch(() => undefined);
    }
  }
}

/** client-node's Watch (GET ?watch=true), with the path checked against the allow-list first. */
class GuardedWatch extends Watch {
  override async watch(...args: Parameters<Watch['watch']>): ReturnType<Watch['watch']> {
    const url = new URL(args[0], 'https://cluster.invalid');
    for (const [key, value] of Object.entries((args[1] ?? {}) as Record<string, unknown>)) if (value !== undefined) url.searchParams.set(key, String(value));
    assertAllowedRequest('GET', url);
    return super.watch(...args);
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : '';
  return detail === '' || detail === error.message ? error.message : `${error.message} (${detail})`;
}

/** An AppError for an unexpected status of a read, with the Status message when there is one. */
function statusError(what: string, response: KubeResponse): AppError {
  const message = typeof response.body === 'object' && response.body !== null && typeof (response.body as { message?: unknown }).message === 'string' ? (response.body as { message: string }).message : `HTTP ${response.status}`;
  const code = response.status === 401 || response.status === 403 ? 'cluster-forbidden' : 'cluster-error';
  return new AppError(code, `${what}: ${message}`, { retryable: response.status >= 500 || response.status === 429, details: { status: response.status } });
}
