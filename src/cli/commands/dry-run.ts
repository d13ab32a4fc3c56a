// `gic dry-run FILE...`: would the cluster accept these Istio security resources? With a cluster
// (--kubeconfig/KUBECONFIG, --context, or the in-cluster config) each resource gets gic's validation
// and a server-side dry-run (mode "server"); without one, or with --offline, gic's validation and the
// offline dry-run on the --mesh snapshot, if given (mode "offline"). Exit 3 when any is rejected
// (docs/cli.md). Never writes to a cluster: src/kube has no code path for a real write.
import { loadConfig } from '../../config/load-config.js';
import { AppError } from '../../errors.js';
import type { DryRunReport } from '../../kube/dry-run-result.js';
import type { Command } from '../command.js';
import { writeJson } from '../output/write-json.js';
import { readSources } from '../read-sources.js';

function renderHuman(report: DryRunReport): string {
  if (report.results.length === 0) return 'no Istio security resources to dry-run\n';
  const lines: string[] = [];
  for (const r of report.results) {
    const what = r.kind === '' ? r.source : `${r.kind} ${r.namespace}/${r.name} (${r.source})`;
    lines.push(`${r.accepted ? 'accepted' : 'REJECTED'} [${r.mode}] ${what}`);
    for (const e of r.errors) lines.push(`  error: ${e.field === '' ? '' : `${e.field}: `}${e.message}`);
    for (const w of r.warnings) lines.push(`  warning: ${w.field === '' ? '' : `${w.field}: `}${w.message}`);
  }
  return `${lines.join('\n')}\n`;
}

export const dryRunCommand: Command = {
  name: 'dry-run',
  description: 'dry-run Istio security resources: server-side against the cluster, or offline without one',
  usage: 'gic dry-run FILE... [--kubeconfig FILE] [--context NAME] [--offline [--mesh PATH]] [-o human|json]',
  positionals: 'FILE...',
  examples: ['gic dry-run proposal.yaml --kubeconfig ~/.kube/config -o json', 'gic dry-run proposal.yaml --offline --mesh examples/demo-mesh -o json'],
  options: {
    config: { type: 'string', valueName: 'FILE', description: 'config file (YAML); default $GIC_CONFIG' },
    kubeconfig: { type: 'string', valueName: 'FILE', description: 'kubeconfig of the cluster (env KUBECONFIG; in a pod: the in-cluster config)' },
    context: { type: 'string', valueName: 'NAME', description: 'kubeconfig context to use' },
    offline: { type: 'boolean', description: 'do not contact a cluster even if one is configured' },
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'offline mode: the mesh snapshot to apply the resources to (namespaces must exist)' },
  },
  formats: ['human', 'json'],
  async run({ values, positionals, format, io, logger }) {
    if (positionals.length === 0) throw new AppError('usage', 'give at least one file or directory to dry-run');
    const { config } = await loadConfig({ flags: values });
    const sources = await readSources(positionals);
    const meshPaths = Array.isArray(values['mesh']) ? values['mesh'].filter((v): v is string => typeof v === 'string') : [];
    const offline = values['offline'] === true;
    if (meshPaths.length > 0 && !offline && config.cluster.kubeconfig !== undefined) {
      throw new AppError('usage', '--mesh is the offline snapshot: use it with --offline (or without a cluster)');
    }
    const { loadKubeConfig } = await import('../../kube/load-kube-config.js');
    const { dryRunSources } = await import('../../kube/dry-run-resources.js');
    const cluster = offline ? undefined : loadKubeConfig(config.cluster);
    let report: DryRunReport;
    if (cluster !== undefined) {
      const { KubeGateway } = await import('../../kube/kube-gateway.js');
      logger.debug('server-side dry-run', { cluster: cluster.origin, files: sources.length });
      report = await dryRunSources(sources, { gateway: new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs }) });
    } else {
      let snapshot;
      if (meshPaths.length > 0) {
        const { FileMeshSource } = await import('../../kube/file-mesh-source.js');
        const source = new FileMeshSource(meshPaths);
        await source.start();
        snapshot = source.snapshot();
      }
      logger.debug('offline dry-run', { files: sources.length, mesh: meshPaths });
      report = await dryRunSources(sources, snapshot === undefined ? {} : { snapshot });
    }
    if (format === 'json') writeJson(io, report);
    else io.stdout(renderHuman(report));
    return { status: report.results.some((r) => !r.accepted) ? 'findings' : 'ok' };
  },
};
