// `gic validate PATH...`: checks Istio security resources against the CRD schema, its CEL rules and
// istiod's webhook rules, offline (docs/cli.md "gic validate"). Exit 3 when any error is found;
// malformed YAML is such an error (rule yaml.syntax), not unreadable input. Paths that hold no objects
// at all are refused (exit 4), as `kubectl apply` refuses "no objects passed".
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { renderValidateReport } from '../output/render-validate.js';
import { writeJson } from '../output/write-json.js';
import { readSources } from '../read-sources.js';

export const validateCommand: Command = {
  name: 'validate',
  description: 'validate AuthorizationPolicy, PeerAuthentication and RequestAuthentication files offline',
  usage: 'gic validate PATH... [-o human|json]',
  positionals: 'PATH...',
  examples: [
    'gic validate policies/ -o json',
    'gic validate examples/demo-mesh/20-gerrit.yaml examples/demo-mesh/40-ci.yaml',
  ],
  options: {},
  formats: ['human', 'json'],
  async run({ positionals, format, io, logger }) {
    if (positionals.length === 0) throw new AppError('usage', 'give at least one file or directory to validate');
    const sources = await readSources(positionals, { warn: (m, f) => logger.warn(m, f) });
    logger.debug('read sources', { files: sources.length });
    // Loaded on use: `gic check` never pays for the validator.
    const [{ validateSources }, { parseDocuments }] = await Promise.all([import('../../policy/validate/validate-sources.js'), import('../../policy/parse/parse-documents.js')]);
    const report = validateSources(sources);
    // Nothing judged: say whether there was nothing at all (refused) or only kinds gic does not validate.
    if (report.resources.length === 0 && !sources.some((s) => parseDocuments(s.text, s.file).documents.length > 0)) {
      throw new AppError('input-unreadable', `no objects in ${positionals.join(', ')}: ${sources.length === 0 ? 'no *.yaml, *.yml or *.json files' : 'the files hold no documents'}; nothing to validate`);
    }
    if (report.resources.length === 0) logger.warn('no Istio security resources (AuthorizationPolicy, PeerAuthentication, RequestAuthentication) in the input; nothing was validated');
    if (format === 'json') writeJson(io, report);
    else io.stdout(renderValidateReport(report));
    return { status: report.summary.errors > 0 ? 'findings' : 'ok' };
  },
};
