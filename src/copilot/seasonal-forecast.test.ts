// The forecast arithmetic on generated activity with known seasonality: review traffic on weekday
// working hours, a quiet weekend, a growing trend and Poisson noise (seeded). The fit recovers the
// profile, the backtest beats the seasonal-naive forecast with intervals that cover about as often as
// they claim, a noiseless periodic series is forecast exactly, and (property) every forecast is
// non-negative with low <= expected <= high.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { backtest, denseHours, fitSeasonal, floorHour, forecastHours, hourOfWeek, HOURS_PER_WEEK, peakHours, type HourValue } from './seasonal-forecast.js';

const HOUR = 3_600_000;
/** Monday 2026-10-05 00:00 UTC. */
const MONDAY = Date.parse('2026-10-05T00:00:00Z');

/** Expected patch sets in an hour: 09-18 UTC on weekdays, a 10:00 and a 14:00 peak, little at night and weekends. */
function truth(hour: number, weekIndex: number): number {
  const slot = hourOfWeek(hour);
  const day = Math.floor(slot / 24);
  const h = slot % 24;
  const base = day >= 5 ? 0.5 : h >= 9 && h < 18 ? 12 + (h === 10 ? 10 : 0) + (h === 14 ? 6 : 0) : 1;
  return base * (1 + 0.05 * weekIndex);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function poisson(lambda: number, random: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function generated(weeks: number, seed = 7): HourValue[] {
  const random = rng(seed);
  return Array.from({ length: weeks * HOURS_PER_WEEK }, (_, i) => {
    const hour = MONDAY + i * HOUR;
    return { hour, value: poisson(truth(hour, Math.floor(i / HOURS_PER_WEEK)), random) };
  });
}

describe('seasonal forecast', () => {
  it('numbers hours of the week from Monday 00:00 UTC', () => {
    expect(hourOfWeek(MONDAY)).toBe(0);
    expect(hourOfWeek(MONDAY + 33 * HOUR)).toBe(33);
    expect(hourOfWeek(Date.parse('2026-10-11T23:00:00Z'))).toBe(167);
    expect(floorHour(MONDAY + 59 * 60_000)).toBe(MONDAY);
  });

  it('recovers the weekly profile and the trend of generated activity', () => {
    const history = generated(6);
    const model = fitSeasonal(history);
    const next = forecastHours(model, MONDAY + 6 * HOURS_PER_WEEK * HOUR, HOURS_PER_WEEK);
    const tuesday10 = next[24 + 10]!;
    expect(tuesday10.expected).toBeGreaterThan(truth(tuesday10.hour, 6) * 0.8);
    expect(tuesday10.expected).toBeLessThan(truth(tuesday10.hour, 6) * 1.2);
    expect(tuesday10.low).toBeLessThan(tuesday10.expected);
    expect(tuesday10.high).toBeGreaterThan(tuesday10.expected);
    // The trend grows 5 % of the base per week: positive.
    expect(model.growthPerHour * HOURS_PER_WEEK).toBeGreaterThan(0.02);
    expect(model.growthPerHour * HOURS_PER_WEEK).toBeLessThan(0.08);
    // The peaks named are the weekday 10:00 hours.
    const peaks = peakHours(next, 5).map((p) => hourOfWeek(p.hour) % 24);
    expect(peaks[0]).toBe(10);
    expect(peaks.every((h) => h === 10 || h === 14)).toBe(true);
    // The weekend is quiet.
    expect(next[5 * 24 + 12]!.expected).toBeLessThan(2);
  });

  it('backtests on held-back weeks: beats the seasonal-naive forecast, intervals cover about 80 %', () => {
    const result = backtest(generated(6), 2);
    expect(result).toBeDefined();
    expect(result!.hours).toBe(2 * HOURS_PER_WEEK);
    // Poisson noise alone makes about 0.25 of WAPE at these counts; four training weeks add the rest.
    expect(result!.wape).toBeLessThan(0.35);
    expect(result!.skill).toBeGreaterThan(0.1);
    expect(result!.mae).toBeLessThan(result!.naiveMae);
    expect(result!.coverage).toBeGreaterThan(0.7);
    expect(result!.coverage).toBeLessThan(0.97);
  });

  it('forecasts a noiseless growing weekly pattern exactly', () => {
    const series = Array.from({ length: 5 * HOURS_PER_WEEK }, (_, i) => ({ hour: MONDAY + i * HOUR, value: truth(MONDAY + i * HOUR, 0) * (1 + (0.05 * i) / HOURS_PER_WEEK) }));
    expect(backtest(series, 1)!.mae).toBeLessThan(1e-6);
  });

  it('forecasts a noiseless weekly pattern exactly, and says when there is too little history to backtest', () => {
    const series = Array.from({ length: 3 * HOURS_PER_WEEK }, (_, i) => ({ hour: MONDAY + i * HOUR, value: truth(MONDAY + i * HOUR, 0) }));
    const result = backtest(series, 1)!;
    expect(result.mae).toBeLessThan(1e-9);
    expect(result.coverage).toBe(1);
    expect(backtest(series.slice(0, HOURS_PER_WEEK + 10), 1)).toBeUndefined();
    expect(backtest(series, 0)).toBeUndefined();
  });

  it('fills missing hours with zero', () => {
    const dense = denseHours(new Map([[MONDAY + HOUR, 4]]), MONDAY, MONDAY + 3 * HOUR);
    expect(dense).toEqual([
      { hour: MONDAY, value: 0 },
      { hour: MONDAY + HOUR, value: 4 },
      { hour: MONDAY + 2 * HOUR, value: 0 },
    ]);
  });

  it('never forecasts a negative value, and keeps low <= expected <= high (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 500 }), { minLength: 1, maxLength: 3 * HOURS_PER_WEEK }), fc.integer({ min: 1, max: 400 }), (values, horizon) => {
        const model = fitSeasonal(values.map((value, i) => ({ hour: MONDAY + i * HOUR, value })));
        for (const p of forecastHours(model, MONDAY + values.length * HOUR, horizon)) {
          expect(p.expected).toBeGreaterThanOrEqual(0);
          expect(p.low).toBeLessThanOrEqual(p.expected);
          expect(p.high).toBeGreaterThanOrEqual(p.expected);
          expect(Number.isFinite(p.high)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
