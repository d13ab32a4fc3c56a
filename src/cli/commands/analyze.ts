// `gic analyze --mesh PATH`: runs gic's analyzers over a mesh offline (docs/cli.md "gic analyze"),
// printing findings as human text, JSON or SARIF 2.1.0. Exit 3 when a finding is at or above
// `--failure-threshold` (default error); `--output-threshold` hides findings below a level. Input errors
// are GIC600 findings at error level and listed under `inputErrors` (docs/input-errors.md); with
// `--allow-input-errors` they no longer count for the exit code. A mesh with no objects at all is not
// analyzed: exit 4, as `kubectl apply` refuses "no objects passed".
import { AppError } from '../../errors.js';
import { parseExpires } from '../../policy/resources/expires-annotation.js';
import type { Command } from '../command.js';
import { allowsInputErrors, INPUT_ERROR_OPTIONS, logInputErrors, renderInputErrors } from '../input-errors-gate.js';
import { renderAnalyzeReport } from '../output/render-analyze.js';
import { renderSarif } from '../output/render-sarif.js';
import { writeJson } from '../output/write-json.js';
import { readSources } from '../read-sources.js';
import { VERSION } from '../version.js';

const LEVELS = ['error', 'warning', 'info'] as const;
type Level = (typeof LEVELS)[number];

function level(value: unknown, flag: string, fallback: Level): Level {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (LEVELS as readonly string[]).includes(value.toLowerCase())) return value.toLowerCase() as Level;
  throw new AppError('usage', `--${flag} must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(value)}`);
}

/** `--now`: the analysis clock (RFC 3339, for reproducible runs); the wall clock otherwise. */
function analysisTime(value: unknown): Date {
  if (value === undefined) return new Date();
  const ms = typeof value === 'string' ? parseExpires(value) : undefined;
  if (ms === undefined) throw new AppError('usage', `--now must be an RFC 3339 date-time with seconds and an offset (e.g. 2027-01-31T00:00:00Z), not ${JSON.stringify(value)}`);
  return new Date(ms);
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export const analyzeCommand: Command = {
  name: 'analyze',
  description: 'find misconfigurations in the mesh security policies, with the request that shows each one',
  usage: 'gic analyze --mesh PATH [--mesh PATH...] [-o human|json|sarif] [--failure-threshold error|warning|info] [--output-threshold error|warning|info] [--now TIME]',
  positionals: '[PATH...]',
  examples: ['gic analyze --mesh examples/demo-mesh -o json', 'gic analyze --mesh policies/ -o sarif > gic.sarif', 'gic analyze --mesh examples/demo-mesh --failure-threshold warning'],
  options: {
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory (read recursively: *.yaml, *.yml, *.json)' },
    'failure-threshold': { type: 'string', valueName: 'LEVEL', description: 'exit 3 when a finding is at or above this level: error (default), warning or info' },
    'output-threshold': { type: 'string', valueName: 'LEVEL', description: 'list only findings at or above this level (default info: all)' },
    ...INPUT_ERROR_OPTIONS,
    now: { type: 'string', valueName: 'TIME', description: 'judge time-bound grants (GIC125) as of this RFC 3339 time instead of the clock, e.g. 2027-01-31T00:00:00Z' },
  },
  formats: ['human', 'json', 'sarif'],
  async run({ values, positionals, format, io, logger }) {
    const paths = [...stringList(values['mesh']), ...positionals];
    if (paths.length === 0) throw new AppError('usage', 'give the mesh with --mesh PATH (a file or a directory)');
    const failure = level(values['failure-threshold'], 'failure-threshold', 'error');
    const output = level(values['output-threshold'], 'output-threshold', 'info');
    const now = analysisTime(values['now']);
    const sources = await readSources(paths, { warn: (m, f) => logger.warn(m, f) });
    const [{ analyzeSnapshot, failsAt, INPUT_ERROR_CODE }, { buildAnalysisSnapshot }] = await Promise.all([
      import('../../policy/analyze/analyze-report.js'),
      import('../../policy/analyze/analysis-snapshot.js'),
    ]);
    const snapshot = buildAnalysisSnapshot(sources);
    if (snapshot.documents.length === 0 && snapshot.inputFindings.length === 0) {
      throw new AppError('input-unreadable', `no objects in ${paths.join(', ')}: ${sources.length === 0 ? 'no *.yaml, *.yml or *.json files' : 'the files hold no documents'}; nothing to analyze`);
    }
    const report = analyzeSnapshot(snapshot, { outputThreshold: output, now }, sources.map((s) => s.file));
    const inputErrors = report.inputErrors ?? [];
    logInputErrors(logger, inputErrors, values);
    for (const s of report.skipped) logger.debug('analyzer skipped: input missing', { analyzer: s.name, missing: s.missing });
    for (const failure of report.failures ?? []) logger.error('analyzer failed on a resource (a gic bug; its other findings stand)', { failure });
    if (format === 'json') writeJson(io, { ...report, inputErrors });
    else if (format === 'sarif') {
      const { documentNamed, ReviewFixes } = await import('../../copilot/review-fixes.js');
      const fixes = new ReviewFixes(new Map(sources.map((s) => [s.file, s.text])), snapshot.documents);
      writeJson(io, renderSarif(report, VERSION, (f) => (f.resource === null ? undefined : fixes.fixFor(f.source.slice(0, f.source.lastIndexOf(':')), documentNamed(f.resource.kind, f.resource.namespace, f.resource.name), f.edit!, f.fix))));
    }
    else io.stdout(renderInputErrors(inputErrors, values) + renderAnalyzeReport(report, { mesh: paths }));
    // Accepted input errors still show as GIC600 findings but no longer decide the exit code.
    const counted = allowsInputErrors(values) ? { ...report, summary: { ...report.summary, errors: report.summary.errors - report.findings.filter((f) => f.code === INPUT_ERROR_CODE).length } } : report;
    return { status: failsAt(counted, failure) ? 'findings' : 'ok' };
  },
};
