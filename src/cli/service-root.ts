// Composition root of the long-running surfaces (`gic serve`, `gic mcp`): builds the copilot's deps
// from the settings with the embedded default (docs/cli.md "The service"): with no `--mesh` and no
// cluster, the demo mesh (examples/demo-mesh); with no Gerrit URL and no snapshot, the demo Gerrit
// snapshot (examples/demo-gerrit); the SQLite store in the data directory; the model only when
// configured, and then only when the egress guard allows its endpoint (else `model-egress-refused`,
// exit 5, before anything listens). Also the tool catalog filtered by toolsets and read-only mode.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';

import { Registry } from 'prom-client';

import { allTools } from '../../tools/index.js';
import type { ToolDefinition } from '../../tools/define-tool.js';
import { filterTools } from '../../tools/toolsets.js';
import { closerStack } from './closer-stack.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { changeWriter } from '../copilot/change-writer.js';
import { createCopilot, type Copilot } from '../copilot/copilot.js';
import type { CopilotDeps, ServerDryRun } from '../copilot/deps.js';
import { AppError } from '../errors.js';
import { createGroupSource } from '../gerrit/create-group-source.js';
import type { MeshSource } from '../kube/mesh-source.js';
import type { Logger } from '../log.js';
import type { ChatModel } from '../model/chat-model.js';
import { meteredChatModel, type ModelObserver } from './metered-chat-model.js';
import type { OptionValues } from './command.js';
import { openStore } from './open-store.js';
import { createStoreMetrics, instrumentStore } from '../telemetry/instrumented-store.js';

export interface OpenedService {
  readonly copilot: Copilot;
  /** Metric registries of the service's parts (the measured store), served on /metrics with the HTTP ones. */
  readonly registries: readonly Registry[];
  /** The deps the copilot was built from (the review bot composes its own use of them). */
  readonly deps: CopilotDeps;
  readonly config: LoadedConfig['config'];
  readonly tools: readonly ToolDefinition[];
  /** Readiness of each source (mesh, Gerrit groups, the store: a PostgreSQL store is probed every 5 s). */
  sources(): { name: string; ready: boolean; detail: string }[];
  /** What runs: `embedded demo mesh`, `files:...`, `cluster:...`; for the startup line. */
  readonly describe: { readonly mesh: string; readonly groups: string; readonly model: string };
  close(): Promise<void>;
}

/** The repository (or package) root, found from src/cli or dist/src/cli. */
export function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = join(here, up);
    if (existsSync(join(dir, 'examples', 'demo-mesh'))) return dir;
  }
  throw new AppError('internal', `cannot find the embedded demo mesh (examples/demo-mesh) from ${here}`);
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export interface OpenServiceOptions {
  /** Sees every model call (outcome, tokens): gic serve's metrics. */
  readonly observeModel?: ModelObserver;
}

export async function openService(values: OptionValues, logger: Logger, options: OpenServiceOptions = {}): Promise<OpenedService> {
  const { config } = await loadConfig({ flags: values });
  // Refuse a model endpoint the egress guard refuses before anything else starts (issue 12: "gic serve
  // refuses to start when the configured endpoint is refused, with a message that says egress").
  let modelNote = 'none (every tool except policy_draft works)';
  if (config.model.url !== undefined) {
    const { assertModelEgressAllowed } = await import('../model/create-chat-model.js');
    try {
      const verdict = await assertModelEgressAllowed(config.model);
      modelNote = `${config.model.model ?? '(no model name)'} at ${config.model.url} (egress allowed: ${verdict === undefined ? 'not checked' : `${verdict.basis ?? 'addresses'}${verdict.addresses.length > 0 ? `: ${verdict.addresses.map((a) => `${a.address} (${a.kind})`).join(', ')}` : ''}`})`;
    } catch (error) {
      if (AppError.isInstance(error)) throw new AppError(error.code, `refusing to start: the model endpoint ${config.model.url} is refused by the egress guard (${error.message}); configure an in-cluster or private endpoint, or name the host with --model-allow-host`, { cause: error });
      throw error;
    }
  }
  const closers = closerStack(logger);
  const close = (): Promise<void> => closers.close();
  try {
    if (config.tracing.otlpEndpoint !== undefined) {
      // Tracing on: spans of every request and call go to the collector; closed (flushed) last.
      const { startTracing } = await import('../telemetry/start-tracing.js');
      const tracing = startTracing(config.tracing, { resource: { 'service.instance.id': hostname() } });
      closers.push(() => tracing.shutdown());
    }
    const meshPaths = stringList(values['mesh']);
    const { loadKubeConfig } = await import('../kube/load-kube-config.js');
    const cluster = loadKubeConfig(config.cluster);
    let source: MeshSource;
    let meshNote: string;
    if (meshPaths.length > 0) {
      const { FileMeshSource } = await import('../kube/file-mesh-source.js');
      source = new FileMeshSource(meshPaths);
      meshNote = source.origin;
    } else if (cluster !== undefined) {
      const [{ KubeGateway }, { LiveMeshSource }] = await Promise.all([import('../kube/kube-gateway.js'), import('../kube/live-mesh-source.js')]);
      source = new LiveMeshSource(new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs }), { istioNamespace: config.cluster.istioNamespace, logger: logger.child({ adapter: 'kube' }), origin: cluster.origin });
      meshNote = cluster.origin;
    } else {
      const { FileMeshSource } = await import('../kube/file-mesh-source.js');
      source = new FileMeshSource([join(packageRoot(), 'examples', 'demo-mesh')]);
      meshNote = 'the embedded demo mesh (examples/demo-mesh)';
    }
    await source.start();
    closers.push(() => source.stop());
    let dryRun: ServerDryRun | undefined;
    if (cluster !== undefined) {
      const [{ KubeGateway }, { dryRunSources }] = await Promise.all([import('../kube/kube-gateway.js'), import('../kube/dry-run-resources.js')]);
      const gateway = new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs });
      dryRun = (sources) => dryRunSources(sources, { gateway });
    }
    const embeddedGerrit = config.gerrit.url === undefined && config.gerrit.snapshot === undefined;
    const gerritSettings = embeddedGerrit ? { ...config.gerrit, snapshot: join(packageRoot(), 'examples', 'demo-gerrit') } : config.gerrit;
    const groups = await createGroupSource(gerritSettings, logger);
    if (groups !== undefined) closers.push(() => groups.close());
    const registry = new Registry();
    const store = instrumentStore(await openStore(config), createStoreMetrics(registry, config.data.postgresUrl === undefined ? 'sqlite' : 'postgres'));
    closers.push(() => store.close());
    // A shared PostgreSQL store must answer for the replica to be ready (every call is audited first):
    // probed every 5 s, so /readyz stays synchronous and cheap.
    const storeHealth = { ready: true, detail: config.data.postgresUrl === undefined ? `sqlite:${config.data.dir}` : 'postgres: not probed yet' };
    const ping = (store as { ping?: (timeoutMs?: number) => Promise<void> }).ping;
    if (typeof ping === 'function') {
      const probe = async (): Promise<void> => {
        try {
          await ping.call(store, 2_000);
          storeHealth.ready = true;
          storeHealth.detail = 'postgres: answering';
        } catch (error) {
          storeHealth.ready = false;
          storeHealth.detail = error instanceof Error ? error.message : String(error);
        }
      };
      await probe();
      const timer = setInterval(() => void probe(), 5_000);
      timer.unref();
      closers.push(() => Promise.resolve(clearInterval(timer)));
    }
    let gerrit: CopilotDeps['gerrit'];
    let activity: CopilotDeps['activity'];
    if (config.gerrit.url !== undefined) {
      const { GerritClient } = await import('../gerrit/gerrit-client.js');
      const client = new GerritClient({
        baseUrl: config.gerrit.url,
        ...(config.gerrit.user !== undefined && config.gerrit.password !== undefined ? { credentials: { username: config.gerrit.user, password: config.gerrit.password } } : {}),
        timeoutMs: config.gerrit.timeoutMs,
        retry: config.gerrit.retry,
        logger: logger.child({ adapter: 'gerrit' }),
      });
      closers.push(() => client.close());
      gerrit = changeWriter(client, config.gerrit.url);
      activity = client;
    }
    let meshRates: CopilotDeps['meshRates'];
    if (config.prometheus.url !== undefined) {
      const { PrometheusClient } = await import('../prometheus/prometheus-client.js');
      meshRates = new PrometheusClient({ baseUrl: config.prometheus.url, timeoutMs: config.prometheus.timeoutMs });
    }
    let model: ChatModel | undefined;
    if (config.model.url !== undefined) {
      const { createChatModel } = await import('../model/create-chat-model.js');
      model = createChatModel(config.model, { logger: logger.child({ adapter: 'model' }) });
      if (model !== undefined && options.observeModel !== undefined) model = meteredChatModel(model, options.observeModel);
    }
    const repo = config.policyRepo;
    const deps: CopilotDeps = {
      mesh: source,
      ...(groups !== undefined ? { groups: groups.source } : {}),
      ...(model !== undefined ? { model } : {}),
      store,
      ...(dryRun !== undefined ? { dryRun } : {}),
      ...(gerrit !== undefined ? { gerrit } : {}),
      ...(activity !== undefined ? { activity } : {}),
      ...(meshRates !== undefined ? { meshRates } : {}),
      clock: () => new Date(),
      logger,
      settings: { groupsClaim: config.access.claim, ...(repo.project !== undefined ? { policyRepo: { project: repo.project, branch: repo.branch, path: repo.path } } : {}) },
    };
    const toolsets = stringList(values['toolsets']);
    const tools = filterTools(allTools, { ...(toolsets.length > 0 ? { toolsets } : {}), readOnly: values['read-only'] === true });
    return {
      copilot: createCopilot(deps),
      registries: [registry],
      deps,
      config,
      tools,
      sources: () => [
        { name: 'mesh', ready: source.ready(), detail: source.origin },
        { name: 'gerrit', ready: groups !== undefined, detail: groups?.source.origin ?? 'not configured' },
        { name: 'store', ready: storeHealth.ready, detail: storeHealth.detail },
      ],
      describe: { mesh: meshNote, groups: embeddedGerrit ? 'the embedded demo Gerrit snapshot (examples/demo-gerrit)' : (groups?.source.origin ?? 'none'), model: modelNote },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
