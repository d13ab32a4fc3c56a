// `gic forecast`: review and build load for the coming days (docs/cli.md "gic forecast"): patch sets,
// review messages and submits per hour from Gerrit's history, and with --workload and a Prometheus URL
// the workloads' request rates (istio_requests_total); an hour-of-week profile with a trend, 80 %
// intervals, the peak hours, and the error on held-back weeks. Needs Gerrit (--gerrit-url): exit 2
// without it, 5 when Gerrit or Prometheus does not answer.
import type { ForecastResult, SeriesForecast } from '../../copilot/forecast-load.js';
import { AppError } from '../../errors.js';
import type { Command, OptionValues } from '../command.js';
import { COPILOT_OPTIONS } from '../copilot-options.js';
import { writeJson } from '../output/write-json.js';

function intOption(values: OptionValues, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new AppError('usage', `--${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function renderSeries(s: SeriesForecast): string {
  const lines = [`${s.name} (${s.description})`, `  next ${s.daily.length} days: ${s.total.expected} (80 %: ${s.total.low}-${s.total.high}); history ${s.history.total} (${s.history.hourlyMean}/h); trend ${(s.growthPerWeek * 100).toFixed(1)} %/week`];
  for (const d of s.daily) lines.push(`  ${d.date}  ${String(d.expected).padStart(9)}  (${d.low}-${d.high})`);
  if (s.peaks.length > 0) lines.push(`  peaks: ${s.peaks.map((p) => `${p.when} ~${p.expected}`).join(', ')}`);
  lines.push(
    'unavailable' in s.backtest
      ? `  backtest: unavailable (${s.backtest.unavailable})`
      : `  backtest (${s.backtest.heldOutWeeks} held-back week(s)): MAE ${s.backtest.mae}/h, WAPE ${s.backtest.wape === null ? 'n/a' : `${(s.backtest.wape * 100).toFixed(1)} %`}, same-hour-last-week MAE ${s.backtest.naiveMae}/h, ${(s.backtest.coverage * 100).toFixed(0)} % inside the interval`,
  );
  return lines.join('\n');
}

function render(result: ForecastResult): string {
  const head = `load forecast ${result.horizon.from} .. ${result.horizon.to} from ${result.history.weeks} weeks of history (${result.sources.gerrit.changes} changes)`;
  return `${[head, ...result.series.map(renderSeries)].join('\n\n')}\n`;
}

export const forecastCommand: Command = {
  name: 'forecast',
  description: 'forecast review and build load (patch sets, review messages, submits, request rates) for the coming days',
  usage: 'gic forecast --gerrit-url URL [--weeks N] [--days N] [--holdout-weeks N] [--project P] [--workload NS/NAME... --prometheus-url URL] [-o human|json]',
  examples: ['gic forecast --gerrit-url https://gerrit.example.com --days 7', 'gic forecast --weeks 8 --workload ci/build-runner --prometheus-url http://prometheus.istio-system:9090 -o json'],
  options: {
    weeks: { type: 'string', valueName: 'N', description: 'weeks of history to learn from (1-26, default 4)' },
    days: { type: 'string', valueName: 'N', description: 'days to forecast (1-28, default 7)' },
    'holdout-weeks': { type: 'string', valueName: 'N', description: 'weeks held back to measure the error (0-4, default 1)' },
    peaks: { type: 'string', valueName: 'N', description: 'peak hours to name per series (1-24, default 5)' },
    project: { type: 'string', valueName: 'PROJECT', description: "only this Gerrit project's changes" },
    workload: { type: 'string', multiple: true, valueName: 'NS/NAME', description: "a workload whose request rate to forecast from Prometheus (repeatable)" },
    'prometheus-url': { type: 'string', valueName: 'URL', description: 'Prometheus base URL (env GIC_PROMETHEUS_URL)' },
    ...COPILOT_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, format, io, logger }) {
    const input = {
      ...(intOption(values, 'weeks') === undefined ? {} : { weeks: intOption(values, 'weeks') }),
      ...(intOption(values, 'days') === undefined ? {} : { days: intOption(values, 'days') }),
      ...(intOption(values, 'holdout-weeks') === undefined ? {} : { holdoutWeeks: intOption(values, 'holdout-weeks') }),
      ...(intOption(values, 'peaks') === undefined ? {} : { peaks: intOption(values, 'peaks') }),
      ...(typeof values['project'] === 'string' ? { project: values['project'] } : {}),
      ...(Array.isArray(values['workload']) ? { workloads: values['workload'].filter((w): w is string => typeof w === 'string') } : {}),
    };
    const { openCopilot } = await import('../copilot-context.js');
    const opened = await openCopilot('forecast', values, logger, { mesh: 'none', forecast: true });
    try {
      const result = await opened.copilot.forecast(input, opened.ctx);
      if (format === 'json') writeJson(io, result);
      else io.stdout(render(result));
      return { status: 'ok' };
    } finally {
      await opened.close();
    }
  },
};
