// The `forecast` use case (`gic forecast`, MCP `review_load_forecast`): predicts review and build load
// for the coming days. History: Gerrit activity per hour (patch sets, review messages, submits) over the
// past weeks through the REST API and, when Prometheus is configured and workloads are named, those
// workloads' request rates (istio_requests_total, destination side). Each series gets an hour-of-week
// profile with a trend (seasonal-forecast.ts), hourly and daily forecasts with 80 % intervals, the peak
// hours named, and its accuracy on held-back weeks (backtest). Computed here, never by a model; the
// summary is a template. Fails closed: without Gerrit it refuses (`not-configured`), and a Gerrit or
// Prometheus that does not answer fails the call instead of forecasting from partial data.
import { AppError } from '../errors.js';
import { auditedCall } from './audit-call.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { ACTIVITY_KINDS, readGerritActivity, type ActivityKind } from './gerrit-activity.js';
import { backtest, denseHours, fitSeasonal, floorHour, forecastHours, hourOfWeek, HOURS_PER_WEEK, peakHours, type BacktestResult, type ForecastPoint, type HourValue } from './seasonal-forecast.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const Z80 = 1.2816;

export interface ForecastInput {
  /** Weeks of history (1-26, default 4). */
  readonly weeks?: number;
  /** Days to forecast (1-28, default 7). */
  readonly days?: number;
  /** Weeks held back for the backtest (0-4, default 1; 0: no backtest). */
  readonly holdoutWeeks?: number;
  /** Only this Gerrit project's changes. */
  readonly project?: string;
  /** Workloads (`namespace/name`) whose request rates to forecast from Prometheus. */
  readonly workloads?: readonly string[];
  /** Peak hours named per series (1-24, default 5). */
  readonly peaks?: number;
}

export interface ForecastValue {
  readonly expected: number;
  readonly low: number;
  readonly high: number;
}

export interface HourForecast extends ForecastValue {
  /** Start of the hour, ISO 8601 UTC. */
  readonly hour: string;
}

export interface PeakHour extends HourForecast {
  /** `Tue 10:00 UTC` */
  readonly when: string;
}

export interface SeriesForecast {
  /** `patchSets`, `comments`, `submits`, or `requests:<namespace>/<workload>`. */
  readonly name: string;
  readonly description: string;
  readonly history: { readonly total: number; readonly hourlyMean: number };
  /** Relative growth per week the trend found (0.05: +5 % a week). */
  readonly growthPerWeek: number;
  readonly total: ForecastValue;
  readonly daily: readonly (ForecastValue & { readonly date: string })[];
  readonly peaks: readonly PeakHour[];
  readonly hourly: readonly HourForecast[];
  /** The error on held-back weeks, or why there is none. */
  readonly backtest: BacktestResult | { readonly unavailable: string };
}

export interface ForecastResult {
  readonly generatedAt: string;
  readonly history: { readonly from: string; readonly to: string; readonly weeks: number };
  readonly horizon: { readonly from: string; readonly to: string; readonly days: number };
  readonly sources: { readonly gerrit: { readonly query: string; readonly changes: number }; readonly prometheus?: { readonly workloads: readonly string[] } };
  readonly series: readonly SeriesForecast[];
  /** One line per series, from a template. */
  readonly summary: readonly string[];
}

const DESCRIPTIONS: Record<ActivityKind, string> = {
  patchSets: 'patch sets uploaded per hour',
  comments: 'review messages (votes and comments) per hour',
  submits: 'changes submitted per hour',
};

const WORKLOAD = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/;

function whole(value: number | undefined, name: string, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new AppError('bad-request', `${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  return v;
}

export async function forecastLoad(deps: CopilotDeps, input: ForecastInput, ctx: CallContext): Promise<ForecastResult> {
  const weeks = whole(input.weeks, 'weeks', 4, 1, 26);
  const days = whole(input.days, 'days', 7, 1, 28);
  const holdout = whole(input.holdoutWeeks, 'holdoutWeeks', 1, 0, 4);
  const peakCount = whole(input.peaks, 'peaks', 5, 1, 24);
  const workloads = [...new Set(input.workloads ?? [])];
  for (const w of workloads) if (!WORKLOAD.test(w)) throw new AppError('bad-request', `workload "${w}" is not namespace/name (Kubernetes names: lower case, digits, '-')`);
  if (deps.activity === undefined) throw new AppError('not-configured', 'the load forecast reads Gerrit activity: configure Gerrit (--gerrit-url, GIC_GERRIT_URL)');
  if (workloads.length > 0 && deps.meshRates === undefined) throw new AppError('not-configured', `request rates of ${workloads.join(', ')} come from Prometheus: configure it (--prometheus-url, GIC_PROMETHEUS_URL)`);
  const activitySource = deps.activity;
  const rates = deps.meshRates;

  return auditedCall(deps, ctx, 'forecast', { weeks, days, holdout, project: input.project ?? null, workloads, peaks: peakCount }, async () => {
    // The history ends with the current hour (seen in part: its activity so far counts); the forecast starts after it.
    const to = floorHour(deps.clock().getTime()) + HOUR;
    const from = to - weeks * HOURS_PER_WEEK * HOUR;
    const signal = ctx.signal === undefined ? {} : { signal: ctx.signal };
    const activity = await readGerritActivity(activitySource, { from, to, ...(input.project === undefined ? {} : { project: input.project }) }, signal);
    const histories: { name: string; description: string; series: HourValue[] }[] = ACTIVITY_KINDS.map((kind) => ({ name: kind, description: DESCRIPTIONS[kind], series: denseHours(activity.hourly[kind], from, to) }));
    for (const workload of workloads) {
      const [namespace, name] = workload.split('/') as [string, string];
      const query = `sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="${namespace}",destination_workload="${name}"}[1h])) * 3600`;
      const result = await rates!.queryRange(query, from + HOUR, to, 3600, signal);
      // A sample at T is the rate over [T - 1h, T]: it belongs to the hour starting at T - 1h.
      const byHour = new Map<number, number>();
      for (const series of result) for (const [time, value] of series.samples) byHour.set(floorHour(time) - HOUR, (byHour.get(floorHour(time) - HOUR) ?? 0) + value);
      histories.push({ name: `requests:${workload}`, description: `requests per hour to ${workload} (istio_requests_total)`, series: denseHours(byHour, from, to) });
    }
    const series = histories.map((h) => seriesForecast(h.name, h.description, h.series, to, days, holdout, peakCount));
    const result: ForecastResult = {
      generatedAt: deps.clock().toISOString(),
      history: { from: iso(from), to: iso(to), weeks },
      horizon: { from: iso(to), to: iso(to + days * DAY), days },
      sources: { gerrit: { query: activity.query, changes: activity.changes }, ...(workloads.length > 0 ? { prometheus: { workloads } } : {}) },
      series,
      summary: series.map(summaryLine),
    };
    return {
      value: result,
      outcome: 'ok',
      detail: `forecast ${days} days from ${weeks} weeks of history (${activity.changes} changes)`,
      evidence: {
        changes: activity.changes,
        series: series.map((s) => ({ name: s.name, total: s.total.expected, wape: 'unavailable' in s.backtest ? null : round(s.backtest.wape ?? 0) })),
      },
    };
  });
}

function seriesForecast(name: string, description: string, history: readonly HourValue[], from: number, days: number, holdout: number, peakCount: number): SeriesForecast {
  const model = fitSeasonal(history);
  const points = forecastHours(model, from, days * 24);
  const total = history.reduce((s, p) => s + p.value, 0);
  const check = holdout === 0 ? undefined : backtest(history, holdout);
  return {
    name,
    description,
    history: { total: round(total), hourlyMean: round(total / history.length) },
    growthPerWeek: round(model.growthPerHour * HOURS_PER_WEEK, 4),
    total: sumOf(points),
    daily: Array.from({ length: days }, (_, d) => ({ date: iso(from + d * DAY).slice(0, 10), ...sumOf(points.slice(d * 24, d * 24 + 24)) })),
    peaks: peakHours(points, peakCount).map((p) => ({ ...hourly(p), when: `${WEEKDAYS[Math.floor(hourOfWeek(p.hour) / 24)]} ${String(new Date(p.hour).getUTCHours()).padStart(2, '0')}:00 UTC` })),
    hourly: points.map(hourly),
    backtest:
      holdout === 0
        ? { unavailable: 'no weeks were held back (holdoutWeeks 0)' }
        : check === undefined
          ? { unavailable: `needs at least ${holdout + 1} weeks of history to hold back ${holdout} (ask for more weeks)` }
          : { ...check, mae: round(check.mae), wape: check.wape === null ? null : round(check.wape), coverage: round(check.coverage), naiveMae: round(check.naiveMae), skill: check.skill === null ? null : round(check.skill) },
  };
}

/** Sum of expected values; the interval from the hourly spreads added in quadrature. */
function sumOf(points: readonly ForecastPoint[]): ForecastValue {
  const expected = points.reduce((s, p) => s + p.expected, 0);
  const spread = Math.sqrt(points.reduce((s, p) => s + ((p.high - p.low) / (2 * Z80)) ** 2, 0)) * Z80;
  return { expected: round(expected), low: round(Math.max(0, expected - spread)), high: round(expected + spread) };
}

function hourly(p: ForecastPoint): HourForecast {
  return { hour: iso(p.hour), expected: round(p.expected), low: round(p.low), high: round(p.high) };
}

function summaryLine(s: SeriesForecast): string {
  const peak = s.peaks[0];
  const head = `${s.name}: ${s.total.expected} expected over the next ${s.daily.length} days (80 %: ${s.total.low}-${s.total.high})`;
  const busiest = peak === undefined ? 'no activity expected' : `busiest ${peak.when} (~${peak.expected}/h)`;
  const growth = s.growthPerWeek === 0 ? 'no trend' : `trend ${s.growthPerWeek > 0 ? '+' : ''}${round(s.growthPerWeek * 100, 1)} %/week`;
  const accuracy =
    'unavailable' in s.backtest
      ? `no backtest: ${s.backtest.unavailable}`
      : `backtest on ${s.backtest.heldOutWeeks} held-back week(s): WAPE ${s.backtest.wape === null ? 'n/a' : `${round(s.backtest.wape * 100, 1)} %`}, MAE ${s.backtest.mae}/h vs ${s.backtest.naiveMae}/h for same-hour-last-week, ${round(s.backtest.coverage * 100, 0)} % inside the interval`;
  return `${head}; ${busiest}; ${growth}; ${accuracy}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
