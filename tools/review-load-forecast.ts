// review_load_forecast: review and build load for the coming days (the `gic forecast` use case): patch
// sets, review messages and submits per hour from Gerrit's history and, with Prometheus configured,
// named workloads' request rates; an hour-of-week profile with a trend, 80 % intervals, peak hours and
// the error on held-back weeks. Computed by code; the text is a template. Hourly points only on request
// (they are many).
import { z } from 'zod';

import { defineTool } from './define-tool.js';

const Value = z.object({ expected: z.number(), low: z.number(), high: z.number() });
const Hour = Value.extend({ hour: z.string() });

const BacktestSchema = z.union([
  z.object({ heldOutWeeks: z.number(), hours: z.number(), mae: z.number(), wape: z.number().nullable(), coverage: z.number(), naiveMae: z.number(), skill: z.number().nullable() }),
  z.object({ unavailable: z.string() }),
]);

export const reviewLoadForecast = defineTool({
  name: 'review_load_forecast',
  title: 'Forecast review and build load',
  description:
    'Use for "how busy will reviews/CI be next week?": predicts review and build load from Gerrit history (patch sets, review messages, submits per hour; with Prometheus, request rates of named workloads): daily totals with 80 % intervals, busiest hours, weekly trend and backtest accuracy. Only reads.',
  toolset: 'review',
  effect: 'read',
  access: 'read',
  input: z.object({
    weeks: z.number().int().min(1).max(26).optional().describe('weeks of history to learn from (default 4)'),
    days: z.number().int().min(1).max(28).optional().describe('days to forecast (default 7)'),
    holdoutWeeks: z.number().int().min(0).max(4).optional().describe('weeks held back to measure the error (default 1)'),
    project: z.string().min(1).optional().describe('only this Gerrit project'),
    workloads: z.array(z.string()).max(10).optional().describe('workloads as namespace/name whose request rates to forecast, e.g. ["ci/build-runner"] (needs Prometheus)'),
    peaks: z.number().int().min(1).max(24).optional().describe('peak hours to name per series (default 5)'),
    hourly: z.boolean().optional().describe('also return every forecast hour (default false)'),
  }),
  output: z.object({
    generatedAt: z.string(),
    history: z.object({ from: z.string(), to: z.string(), weeks: z.number() }),
    horizon: z.object({ from: z.string(), to: z.string(), days: z.number() }),
    sources: z.object({ gerrit: z.object({ query: z.string(), changes: z.number() }), prometheus: z.object({ workloads: z.array(z.string()) }).optional() }),
    series: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        history: z.object({ total: z.number(), hourlyMean: z.number() }),
        growthPerWeek: z.number(),
        total: Value,
        daily: z.array(Value.extend({ date: z.string() })),
        peaks: z.array(Hour.extend({ when: z.string() })),
        hourly: z.array(Hour).optional(),
        backtest: BacktestSchema,
      }),
    ),
    summary: z.array(z.string()),
  }),
  handler: async (input, ctx) => {
    const { hourly, ...rest } = input;
    const result = await ctx.copilot.forecast(rest, ctx.call);
    const value = { ...result, series: result.series.map((s) => (hourly === true ? s : (({ hourly: _h, ...without }) => without)(s))) };
    return { value, text: result.summary.join('\n') };
  },
});
