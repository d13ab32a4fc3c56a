// `gic doctor`: checks what gic talks to and where it keeps state: the configuration, Gerrit, the cluster,
// the model endpoint (resolved and judged by the egress guard; nothing is sent to a refused endpoint) and
// the data directory. Output per docs/cli.md: {"checks": [{"name", "ok", "detail", "addresses"?,
// "egress"?}]}; exit 3 when a check fails. Invalid configuration is a failed check, not a usage error.
import { loadConfig, type LoadedConfig } from '../../config/load-config.js';
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import type { DoctorCheck, DoctorCheckResult } from '../doctor/doctor-check.js';
import { runDoctorChecks } from '../doctor/run-doctor-checks.js';
import { writeJson } from '../output/write-json.js';
import { CONFIG_OPTION, settingOptions } from '../setting-options.js';

function renderHuman(checks: readonly DoctorCheckResult[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((check) => {
    const mark = !check.ok ? 'FAIL' : check.configured === false ? 'off ' : 'ok  ';
    const extra = check.addresses === undefined ? '' : `\n${' '.repeat(width + 7)}addresses: ${check.addresses.join(', ') || 'none'}; egress ${check.egress ?? 'unknown'}`;
    return `${mark}  ${check.name.padEnd(width)}  ${check.detail}${extra}`;
  });
  return `${lines.join('\n')}\n`;
}

export const doctorCommand: Command = {
  name: 'doctor',
  description: 'check the configuration, Gerrit, the cluster, the model endpoint (egress guard) and the data directory',
  usage: 'gic doctor [--config FILE] [--gerrit-url URL] [--kubeconfig FILE] [--model-url URL --model NAME] [-o human|json]',
  examples: ['gic doctor -o json', 'gic doctor --model-url http://vllm.models.svc:8000/v1 --model qwen2.5-coder -o json'],
  options: {
    ...CONFIG_OPTION,
    ...settingOptions(() => true),
    'check-timeout-ms': { type: 'string', valueName: 'MS', description: 'deadline per check in milliseconds (default 20000)' },
  },
  formats: ['human', 'json'],
  async run({ values, format, io }) {
    const timeoutText = values['check-timeout-ms'];
    if (timeoutText !== undefined && (typeof timeoutText !== 'string' || !/^\d+$/.test(timeoutText) || Number(timeoutText) < 1)) {
      throw new AppError('usage', `--check-timeout-ms must be a whole number of milliseconds, got "${String(timeoutText)}"`);
    }
    let loaded: LoadedConfig | undefined;
    let configCheck: DoctorCheckResult;
    try {
      loaded = await loadConfig({ flags: values });
      const secrets = [loaded.config.gerrit.password === undefined ? [] : ['Gerrit password'], loaded.config.model.apiKey === undefined ? [] : ['model API key']].flat();
      configCheck = {
        name: 'config',
        ok: true,
        detail: `${loaded.file === undefined ? 'no config file: defaults, environment and flags' : `config file ${loaded.file} with environment and flags`}${secrets.length === 0 ? '' : `; secrets set: ${secrets.join(', ')}`}`,
      };
    } catch (error) {
      if (!AppError.isInstance(error)) throw error;
      configCheck = { name: 'config', ok: false, detail: error.message };
    }
    const checks: DoctorCheck[] = [];
    if (loaded !== undefined) {
      const { config } = loaded;
      // The adapters (openai, client-node, undici) load only when doctor runs, not with every gic command.
      const [{ gerritCheck }, { clusterCheck }, { modelCheck }, { dataDirCheck }] = await Promise.all([
        import('../doctor/gerrit-check.js'),
        import('../doctor/cluster-check.js'),
        import('../doctor/model-check.js'),
        import('../doctor/data-dir-check.js'),
      ]);
      checks.push(gerritCheck(config.gerrit), clusterCheck(config.cluster), modelCheck(config.model), dataDirCheck(config.data.dir));
      // With a shared PostgreSQL store (GIC_DATABASE_URL), also that it answers and its schema fits.
      if (config.data.postgresUrl !== undefined) checks.push((await import('../doctor/store-check.js')).storeCheck(config.data.postgresUrl));
    }
    const results = [configCheck, ...(await runDoctorChecks(checks, timeoutText === undefined ? {} : { timeoutMs: Number(timeoutText) }))];
    if (format === 'json') writeJson(io, { checks: results });
    else io.stdout(renderHuman(results));
    return { status: results.every((check) => check.ok) ? 'ok' : 'findings' };
  },
};
