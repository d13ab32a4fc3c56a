// `gic analyze --mesh PATH`: runs gic's analyzers over a mesh offline (docs/cli.md "gic analyze"),
// printing findings as human text, JSON or SARIF 2.1.0. Exit 3 when a finding is at or above
// `--failure-threshold` (default error); `--output-threshold` hides findings below a level.
import { AppError } from '../../errors.js';
import { parseExpires } from '../../policy/resources/expires-annotation.js';
import type { Command } from '../command.js';
import { renderAnalyzeReport } from '../output/render-analyze.js';
import { renderSarif } from '../output/render-sarif.js';
import { writeJson } from '../output/write-json.js';
import { readSources } from '../read-sources.js';

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
    now: { type: 'string', valueName: 'TIME', description: 'judge time-bound grants (GIC125) as of this RFC 3339 time instead of the clock, e.g. 2027-01-31T00:00:00Z' },
  },
  formats: ['human', 'json', 'sarif'],
  async run({ values, positionals, format, io, logger }) {
    const paths = [...stringList(values['mesh']), ...positionals];
    if (paths.length === 0) throw new AppError('usage', 'give the mesh with --mesh PATH (a file or a directory)');
    const failure = level(values['failure-threshold'], 'failure-threshold', 'error');
    const output = level(values['output-threshold'], 'output-threshold', 'info');
    const now = analysisTime(values['now']);
    const sources = await readSources(paths);
    const [{ analyzeSources, failsAt }, { VERSION }] = await Promise.all([import('../../policy/analyze/analyze-report.js'), import('../run-cli.js')]);
    const report = analyzeSources(sources, { outputThreshold: output, now });
    for (const s of report.skipped) logger.debug('analyzer skipped: input missing', { analyzer: s.name, missing: s.missing });
    for (const failure of report.failures ?? []) logger.error('analyzer failed on a resource (a gic bug; its other findings stand)', { failure });
    if (format === 'json') writeJson(io, report);
    else if (format === 'sarif') writeJson(io, renderSarif(report, VERSION));
    else io.stdout(renderAnalyzeReport(report, { mesh: paths }));
    return { status: failsAt(report, failure) ? 'findings' : 'ok' };
  },
};
