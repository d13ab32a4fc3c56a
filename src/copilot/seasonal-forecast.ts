// The load forecast's arithmetic (pure: no I/O, no clock): an hourly series is modelled as an
// hour-of-week seasonal profile (168 slots, Monday 00:00 UTC first) scaled by a linear trend factor,
// fitted by least squares on the history, each slot shrunk toward the same hour on days of its kind
// (empirical Bayes: as far as its own noise exceeds the real spread between those days); intervals come from the spread of the residuals in each slot (pooled with the
// whole series when a slot has few points, and never narrower than a Poisson count's). The backtest
// fits on the history before the held-back weeks, predicts them, and reports the mean absolute error,
// the weighted absolute percentage error, how often the truth fell inside the interval, and the same
// error of the seasonal-naive forecast (same hour last week) so the skill is visible. Values are counts
// or rates per hour; forecasts are never negative.

export const HOURS_PER_WEEK = 168;
const HOUR_MS = 3_600_000;

/** One hour of history: its start (epoch ms, on the hour, UTC) and the value observed in it. */
export interface HourValue {
  readonly hour: number;
  readonly value: number;
}

export interface ForecastPoint {
  readonly hour: number;
  readonly expected: number;
  readonly low: number;
  readonly high: number;
}

export interface SeasonalModel {
  /** Relative change per hour: the value at `center + h hours` is the profile times (1 + growthPerHour * h). */
  readonly growthPerHour: number;
  /** The middle of the history (epoch ms), where the profile holds unscaled. */
  readonly center: number;
  /** The expected value by hour-of-week slot at `center`. */
  readonly seasonal: readonly number[];
  /** Residual standard deviation by slot. */
  readonly spread: readonly number[];
  readonly start: number;
}

export interface BacktestResult {
  readonly heldOutWeeks: number;
  readonly hours: number;
  /** Mean absolute error per hour. */
  readonly mae: number;
  /** sum |error| / sum |actual| (null when the held-back weeks are all zero). */
  readonly wape: number | null;
  /** Fraction of held-back hours whose value fell inside [low, high]. */
  readonly coverage: number;
  /** MAE of the seasonal-naive forecast (each hour = the same hour one week earlier). */
  readonly naiveMae: number;
  /** 1 - mae / naiveMae: above 0 the model beats the naive forecast (null when naiveMae is 0). */
  readonly skill: number | null;
}

/** Which slot (0 = Monday 00:00 UTC ... 167 = Sunday 23:00 UTC) an hour falls in. */
export function hourOfWeek(hour: number): number {
  const date = new Date(hour);
  const day = (date.getUTCDay() + 6) % 7;
  return day * 24 + date.getUTCHours();
}

/** The z for the interval (80 %: 1.2816). */
const Z80 = 1.2816;
/** A slot's own residuals are used once it has this many; fewer are pooled with the series' spread. */
const SLOT_MIN_POINTS = 3;

/**
 * Fits trend + hour-of-week profile. `series` should be consecutive hours (use denseHours); one full
 * week gives the whole profile (a slot never seen is 0), two or more a trend.
 */
export function fitSeasonal(series: readonly HourValue[]): SeasonalModel {
  if (series.length === 0) throw new RangeError('fitSeasonal needs at least one hour of history');
  const start = series[0]!.hour;
  const at = (p: HourValue): number => (p.hour - start) / HOUR_MS;
  const center = mean(series.map(at));
  const bySlot: HourValue[][] = Array.from({ length: HOURS_PER_WEEK }, () => []);
  for (const p of series) bySlot[hourOfWeek(p.hour)]!.push(p);
  // value = profile[slot] * (1 + growth * (t - center)): review load grows in proportion (a busy hour
  // grows more than a quiet one). For a given growth the profile is a least-squares ratio per slot; the
  // growth minimizes the squared error by golden-section search. With less than two weeks it is 0.
  const profileFor = (growth: number): number[] =>
    bySlot.map((points) => {
      let num = 0;
      let den = 0;
      for (const p of points) {
        const w = 1 + growth * (at(p) - center);
        num += p.value * w;
        den += w * w;
      }
      return den === 0 ? 0 : num / den;
    });
  const sse = (growth: number): number => {
    const profile = profileFor(growth);
    return series.reduce((sum, p) => sum + (p.value - profile[hourOfWeek(p.hour)]! * (1 + growth * (at(p) - center))) ** 2, 0);
  };
  let growth = 0;
  const span = at(series.at(-1)!) - center;
  if (series.length >= 2 * HOURS_PER_WEEK && span > 0) {
    // The factor must stay positive over the history: |growth| < 1 / span.
    let lo = -0.9 / span;
    let hi = 0.9 / span;
    const phi = (Math.sqrt(5) - 1) / 2;
    let a = hi - phi * (hi - lo);
    let b = lo + phi * (hi - lo);
    let fa = sse(a);
    let fb = sse(b);
    for (let i = 0; i < 60; i++) {
      if (fa <= fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - phi * (hi - lo);
        fa = sse(a);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + phi * (hi - lo);
        fb = sse(b);
      }
    }
    growth = (lo + hi) / 2;
    if (sse(0) <= sse(growth)) growth = 0;
  }
  const seasonal = shrinkProfile(profileFor(growth), bySlot, (p, slot) => p.value / Math.max(1e-9, 1 + growth * (at(p) - center)) - slot);
  const residuals: number[][] = Array.from({ length: HOURS_PER_WEEK }, () => []);
  const model = { seasonal, growthPerHour: growth, center: start + center * HOUR_MS, spread: [] as number[], start };
  for (const p of series) residuals[hourOfWeek(p.hour)]!.push(p.value - predictAt(model, p.hour));
  const pooled = Math.sqrt(mean(residuals.flat().map((r) => r * r)));
  const spread = residuals.map((rs) => {
    if (rs.length < SLOT_MIN_POINTS) return pooled;
    const own = Math.sqrt(rs.reduce((s, r) => s + r * r, 0) / (rs.length - 1));
    return (own * rs.length + pooled * SLOT_MIN_POINTS) / (rs.length + SLOT_MIN_POINTS);
  });
  return { ...model, spread };
}

/**
 * Empirical-Bayes shrinkage of each slot toward the same hour on the days of its kind (Monday-Friday,
 * Saturday-Sunday): a slot estimated from few weeks is noisy, and working days mostly look alike. Each
 * slot moves toward its group's mean by its own noise (the variance of its estimate) against the real
 * spread between the group's days; a slot whose days really differ, or that is known exactly, stays.
 */
function shrinkProfile(profile: readonly number[], bySlot: readonly (readonly HourValue[])[], deviation: (p: HourValue, slotValue: number) => number): number[] {
  const noise = profile.map((value, slot) => {
    const points = bySlot[slot]!;
    if (points.length < 2) return Number.POSITIVE_INFINITY;
    const variance = points.reduce((sum, p) => sum + deviation(p, value) ** 2, 0) / (points.length - 1);
    return variance / points.length;
  });
  const out = [...profile];
  for (let hour = 0; hour < 24; hour++) {
    for (const days of [[0, 1, 2, 3, 4], [5, 6]]) {
      const slots = days.map((d) => d * 24 + hour).filter((slot) => Number.isFinite(noise[slot]!));
      if (slots.length < 2) continue;
      const mean = slots.reduce((sum, slot) => sum + profile[slot]!, 0) / slots.length;
      const spread = slots.reduce((sum, slot) => sum + (profile[slot]! - mean) ** 2, 0) / (slots.length - 1);
      const between = Math.max(0, spread - slots.reduce((sum, slot) => sum + noise[slot]!, 0) / slots.length);
      for (const slot of slots) {
        const weight = between + noise[slot]! === 0 ? 1 : between / (between + noise[slot]!);
        out[slot] = mean + weight * (profile[slot]! - mean);
      }
    }
  }
  return out;
}

/** Forecast for the `hours` hours starting at `from` (epoch ms on the hour). */
export function forecastHours(model: SeasonalModel, from: number, hours: number): ForecastPoint[] {
  return Array.from({ length: hours }, (_, i) => {
    const hour = from + i * HOUR_MS;
    const raw = predictAt(model, hour);
    const expected = Math.max(0, raw);
    const width = Z80 * Math.max(model.spread[hourOfWeek(hour)]!, Math.sqrt(expected));
    return { hour, expected, low: Math.max(0, raw - width), high: Math.max(0, raw + width) };
  });
}

/**
 * Holds back the last `weeks` weeks of `series`, fits on the rest and compares. Undefined when the rest
 * is shorter than one week, or the held-back part shorter than one week (nothing honest to report).
 */
export function backtest(series: readonly HourValue[], weeks: number): BacktestResult | undefined {
  const held = weeks * HOURS_PER_WEEK;
  if (weeks < 1 || series.length < held + HOURS_PER_WEEK) return undefined;
  const train = series.slice(0, series.length - held);
  const test = series.slice(series.length - held);
  const predicted = forecastHours(fitSeasonal(train), test[0]!.hour, test.length);
  let absolute = 0;
  let actualSum = 0;
  let inside = 0;
  let naive = 0;
  test.forEach((p, i) => {
    const f = predicted[i]!;
    absolute += Math.abs(p.value - f.expected);
    actualSum += Math.abs(p.value);
    if (p.value >= f.low && p.value <= f.high) inside++;
    // The same hour one week earlier: in the training data for the first held-back week, else held back.
    const weekAgo = series[series.length - held + i - HOURS_PER_WEEK]!.value;
    naive += Math.abs(p.value - weekAgo);
  });
  const mae = absolute / test.length;
  const naiveMae = naive / test.length;
  return {
    heldOutWeeks: weeks,
    hours: test.length,
    mae,
    wape: actualSum === 0 ? null : absolute / actualSum,
    coverage: inside / test.length,
    naiveMae,
    skill: naiveMae === 0 ? null : 1 - mae / naiveMae,
  };
}

/** Consecutive hours from `from` (inclusive) to `to` (exclusive), zero where `values` has nothing. */
export function denseHours(values: ReadonlyMap<number, number>, from: number, to: number): HourValue[] {
  const out: HourValue[] = [];
  for (let hour = from; hour < to; hour += HOUR_MS) out.push({ hour, value: values.get(hour) ?? 0 });
  return out;
}

/** The start of the hour holding `time` (epoch ms). */
export function floorHour(time: number): number {
  return Math.floor(time / HOUR_MS) * HOUR_MS;
}

/** The `count` highest forecast hours, highest first (ties: earlier first), at least `minimum` expected. */
export function peakHours(points: readonly ForecastPoint[], count: number, minimum = 0): ForecastPoint[] {
  return [...points]
    .filter((p) => p.expected > minimum)
    .sort((a, b) => b.expected - a.expected || a.hour - b.hour)
    .slice(0, count);
}

/** The profile scaled by the trend; the trend factor never drops below 0 (a shrinking load ends at zero). */
function predictAt(model: Omit<SeasonalModel, 'spread'>, hour: number): number {
  const factor = Math.max(0, 1 + model.growthPerHour * ((hour - model.center) / HOUR_MS));
  return model.seasonal[hourOfWeek(hour)]! * factor;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

