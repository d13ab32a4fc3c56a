// Composition root of the copilot commands (`gic explain`, `propose`, `draft`, `submit`): builds the
// copilot's Deps from the settings (docs/cli.md "Commands that talk to live systems"): the mesh from
// `--mesh` (exactly that mesh) or the configured cluster, Gerrit groups (live or snapshot), the
// cluster's server-side dry-run, the store in the data directory, Gerrit for `submit`, the policy
// repository, the clock, and who is asking (the local OS user). Closing releases every connection.
import { userInfo } from 'node:os';

import { closerStack } from './closer-stack.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import { changeWriter } from '../copilot/change-writer.js';
import { createCopilot, type Copilot } from '../copilot/copilot.js';
import type { CallContext, CopilotDeps, MeshView, ServerDryRun } from '../copilot/deps.js';
import { AppError } from '../errors.js';
import { createGroupSource } from '../gerrit/create-group-source.js';
import type { Logger } from '../log.js';
import type { MeshSource } from '../kube/mesh-source.js';
import type { ChatModel } from '../model/chat-model.js';
import type { OptionValues } from './command.js';
import { openStore } from './open-store.js';

/**
 * `required`: fail without --mesh or a cluster; `empty`: an empty mesh without either; `optional`: no
 * mesh without either; `none`: no mesh.
 */
export type MeshNeed = 'required' | 'empty' | 'optional' | 'none';

export interface CopilotNeeds {
  /** What the command needs of the mesh, or a function of the configuration that says it (gic review). */
  readonly mesh: MeshNeed | ((config: LoadedConfig['config']) => MeshNeed);
  /** Gerrit's REST API for writing a change (submit). */
  readonly gerritWriter?: boolean;
  /** The model: `optional` (explain), `required` (draft: the use case refuses without one). */
  readonly model?: 'optional' | 'required';
  /** Gerrit's change queries and, when configured, Prometheus (gic forecast). */
  readonly forecast?: boolean;
  /** A cluster dry-run that did not answer throws `unavailable` (the review bot never votes without one). */
  readonly strictDryRun?: boolean;
}

export interface OpenedCopilot {
  readonly copilot: Copilot;
  readonly config: LoadedConfig['config'];
  /** The call context of this invocation: the local OS user, `gic <command>`. */
  readonly ctx: CallContext;
  /** The deps the copilot was built from (the review bot composes its own use of them). */
  readonly deps: CopilotDeps;
  close(): Promise<void>;
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** The local caller, as the audit log records it. */
export function localActor(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:unknown';
  }
}

export async function openCopilot(command: string, values: OptionValues, logger: Logger, needs: CopilotNeeds): Promise<OpenedCopilot> {
  const { config } = await loadConfig({ flags: values });
  const closers = closerStack(logger);
  const close = (): Promise<void> => closers.close();
  try {
    if (config.tracing.otlpEndpoint !== undefined) {
      // Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT / --otlp-endpoint): the spans are flushed when the command closes.
      const { startTracing } = await import('../telemetry/start-tracing.js');
      const tracing = startTracing(config.tracing);
      closers.push(() => tracing.shutdown());
    }
    const meshPaths = stringList(values['mesh']);
    const { loadKubeConfig } = await import('../kube/load-kube-config.js');
    const cluster = loadKubeConfig(config.cluster);
    const meshNeed = typeof needs.mesh === 'function' ? needs.mesh(config) : needs.mesh;
    let mesh: MeshView | undefined;
    if (meshNeed !== 'none' && !(meshNeed === 'optional' && meshPaths.length === 0 && cluster === undefined)) {
      let source: MeshSource | undefined;
      if (meshPaths.length > 0) {
        const { FileMeshSource } = await import('../kube/file-mesh-source.js');
        source = new FileMeshSource(meshPaths);
      } else if (cluster !== undefined) {
        const [{ KubeGateway }, { LiveMeshSource }] = await Promise.all([import('../kube/kube-gateway.js'), import('../kube/live-mesh-source.js')]);
        source = new LiveMeshSource(new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs }), { istioNamespace: config.cluster.istioNamespace, logger: logger.child({ adapter: 'kube' }), origin: cluster.origin });
      } else if (meshNeed === 'empty') {
        const { FileMeshSource } = await import('../kube/file-mesh-source.js');
        source = new FileMeshSource([], { read: () => Promise.resolve([]) });
      } else {
        throw new AppError('usage', 'give the mesh with --mesh PATH (a file or a directory), or configure a cluster (--kubeconfig)');
      }
      await source.start();
      const started = source;
      closers.push(() => started.stop());
      mesh = source;
    }
    let dryRun: ServerDryRun | undefined;
    if (cluster !== undefined && meshNeed !== 'none') {
      const [{ KubeGateway }, { dryRunSourcesDetailed }] = await Promise.all([import('../kube/kube-gateway.js'), import('../kube/dry-run-resources.js')]);
      const gateway = new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs });
      const origin = cluster.origin;
      dryRun = async (sources) => {
        const { report, unavailable } = await dryRunSourcesDetailed(sources, { gateway });
        if (unavailable !== undefined && needs.strictDryRun === true) throw new AppError('unavailable', `the cluster (${origin}) did not answer the dry-run: ${unavailable}`, { retryable: true });
        return report;
      };
    }
    const groups = await createGroupSource(config.gerrit, logger);
    if (groups !== undefined) closers.push(() => groups.close());
    const store = await openStore(config);
    closers.push(() => store.close());
    let gerrit: CopilotDeps['gerrit'];
    if (needs.gerritWriter === true && config.gerrit.url !== undefined) {
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
    }
    let activity: CopilotDeps['activity'];
    let meshRates: CopilotDeps['meshRates'];
    if (needs.forecast === true) {
      if (config.gerrit.url !== undefined) {
        const { GerritClient } = await import('../gerrit/gerrit-client.js');
        const reader = new GerritClient({
          baseUrl: config.gerrit.url,
          ...(config.gerrit.user !== undefined && config.gerrit.password !== undefined ? { credentials: { username: config.gerrit.user, password: config.gerrit.password } } : {}),
          timeoutMs: config.gerrit.timeoutMs,
          retry: config.gerrit.retry,
          logger: logger.child({ adapter: 'gerrit' }),
        });
        closers.push(() => reader.close());
        activity = reader;
      }
      if (config.prometheus.url !== undefined) {
        const { PrometheusClient } = await import('../prometheus/prometheus-client.js');
        meshRates = new PrometheusClient({ baseUrl: config.prometheus.url, timeoutMs: config.prometheus.timeoutMs });
      }
    }
    let model: ChatModel | undefined;
    if (needs.model !== undefined) {
      const { createChatModel } = await import('../model/create-chat-model.js');
      model = createChatModel(config.model, { logger: logger.child({ adapter: 'model' }) });
    }
    const repo = config.policyRepo;
    const deps: CopilotDeps = {
      ...(mesh !== undefined ? { mesh } : {}),
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
    return { copilot: createCopilot(deps), config, ctx: { actor: localActor(), action: `gic ${command}` }, deps, close };
  } catch (error) {
    await close();
    throw error;
  }
}
