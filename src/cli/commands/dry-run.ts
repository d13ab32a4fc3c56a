// `gic dry-run FILE...`: would the cluster accept these Istio security resources? With a cluster
// (--kubeconfig/KUBECONFIG, --context, or the in-cluster config) each resource gets gic's validation
// and a server-side dry-run (mode "server"); without one, or with --offline, gic's validation and the
// offline dry-run on the --mesh snapshot, if given (mode "offline"). Exit 3 when any is rejected
// (docs/cli.md), 5 when the cluster did not answer (no verdict: a live system failed). With no cluster
// configured and no --offline it says that it ran offline, on stderr and in the JSON (`mode`,
// `modeReason`). Input errors of the files and of the --mesh snapshot are listed under `inputErrors`
// and exit 3 unless --allow-input-errors. Never writes to a cluster: src/kube has no code path for a
// real write.
import { AppError } from '../../errors.js';
import type { DryRunReport } from '../../kube/dry-run-result.js';
import type { InputError } from '../../policy/parse/input-errors.js';
import type { Command, CommandStatus } from '../command.js';
import { INPUT_ERROR_OPTIONS, inputErrorStatus, logInputErrors, renderInputErrors, worseStatus } from '../input-errors-gate.js';
import { writeJson } from '../output/write-json.js';
import { readSources } from '../read-sources.js';

function renderHuman(report: DryRunReport): string {
  const lines: string[] = report.modeReason === undefined ? [] : [`mode: ${report.mode ?? 'offline'} (${report.modeReason})`];
  if (report.results.length === 0) return `${[...lines, 'no Istio security resources to dry-run'].join('\n')}\n`;
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
    ...INPUT_ERROR_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, positionals, format, io, logger }) {
    if (positionals.length === 0) throw new AppError('usage', 'give at least one file or directory to dry-run');
    const { loadConfig } = await import('../../config/load-config.js');
    const { config } = await loadConfig({ flags: values });
    const warn = (m: string, f?: Readonly<Record<string, unknown>>): void => logger.warn(m, f);
    const sources = await readSources(positionals, { warn });
    const meshPaths = Array.isArray(values['mesh']) ? values['mesh'].filter((v): v is string => typeof v === 'string') : [];
    const offline = values['offline'] === true;
    if (meshPaths.length > 0 && !offline && config.cluster.kubeconfig !== undefined) {
      throw new AppError('usage', '--mesh is the offline snapshot: use it with --offline (or without a cluster)');
    }
    const { loadKubeConfig } = await import('../../kube/load-kube-config.js');
    const { dryRunSourcesDetailed } = await import('../../kube/dry-run-resources.js');
    const { readMeshInput } = await import('../../policy/validate/read-mesh-input.js');
    const { collectInputErrors } = await import('../../policy/parse/input-errors.js');
    const cluster = offline ? undefined : loadKubeConfig(config.cluster);
    // The files' own input errors (a document that does not parse, an unknown kind, a field the API
    // server would refuse); their security resources get a verdict of their own in the results.
    const inputErrors: InputError[] = collectInputErrors(readMeshInput(sources).findings, [], sources.map((s) => s.file));
    let report: DryRunReport;
    let unavailable: string | undefined;
    if (cluster !== undefined) {
      const { KubeGateway } = await import('../../kube/kube-gateway.js');
      logger.debug('server-side dry-run', { cluster: cluster.origin, files: sources.length });
      ({ report, unavailable } = await dryRunSourcesDetailed(sources, { gateway: new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs }) }));
      report = { mode: 'server', ...report };
    } else {
      let snapshot;
      if (meshPaths.length > 0) {
        const { FileMeshSource } = await import('../../kube/file-mesh-source.js');
        const source = new FileMeshSource(meshPaths);
        await source.start();
        snapshot = source.snapshot();
        inputErrors.push(...snapshot.inputErrors);
      }
      logger.debug('offline dry-run', { files: sources.length, mesh: meshPaths });
      ({ report } = await dryRunSourcesDetailed(sources, snapshot === undefined ? {} : { snapshot }));
      const modeReason = offline
        ? '--offline: gic validation and the offline dry-run only, no API server'
        : `no cluster configured (no --kubeconfig, KUBECONFIG or in-cluster config): gic validation and the offline dry-run only, no API server${meshPaths.length === 0 ? '; without --mesh, namespaces are not checked' : ''}`;
      if (!offline) logger.warn(`ran offline: ${modeReason}`);
      report = { mode: 'offline', modeReason, ...report };
    }
    logInputErrors(logger, inputErrors, values, 'the input');
    if (format === 'json') writeJson(io, { ...report, inputErrors });
    else io.stdout(renderInputErrors(inputErrors, values) + renderHuman(report));
    let status: CommandStatus = report.results.some((r) => !r.accepted) ? 'findings' : 'ok';
    status = worseStatus(status, inputErrorStatus(inputErrors, values));
    if (unavailable !== undefined) {
      logger.error(`the cluster did not answer, so there is no verdict: ${unavailable}`);
      status = worseStatus(status, 'unavailable');
    }
    return { status };
  },
};
