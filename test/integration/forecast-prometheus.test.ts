// The forecast's Prometheus path, over HTTP against a loopback server that answers /api/v1/query_range
// as Prometheus's HTTP API documents it (no Prometheus binary is available to the test peers; the
// answers are built from a generated request rate with a known weekly shape). Checks: the PromQL sent
// (destination-side istio_requests_total of the workload, 1 h rate, hourly steps over the window), the
// samples mapped to the hours they cover, NaN samples dropped, the series forecast with the Gerrit ones,
// and typed failures: a Prometheus error answer, a bad query, no answer, `--workload` without Prometheus,
// and a workload name that would inject PromQL.
import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { forecastLoad } from '../../src/copilot/forecast-load.js';
import type { ChangeQuery } from '../../src/copilot/gerrit-activity.js';
import { PrometheusClient } from '../../src/prometheus/prometheus-client.js';
import { copilotDeps } from '../support/copilot-fixture.js';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-25T10:30:00Z');

/** No Gerrit activity at all (an empty Gerrit answers exactly this). */
const quietGerrit: ChangeQuery = { queryAllChanges: () => Promise.resolve([]), listProjects: () => Promise.resolve([]) };

let server: Server;
let base: string;
const queries: URLSearchParams[] = [];
let mode: 'ok' | 'error' | 'bad-query' = 'ok';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    queries.push(url.searchParams);
    if (url.pathname !== '/api/v1/query_range') return void res.writeHead(404).end();
    if (mode === 'error') return void res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'tsdb not ready' }));
    if (mode === 'bad-query') return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
    const start = Number(url.searchParams.get('start')) * 1000;
    const end = Number(url.searchParams.get('end')) * 1000;
    const values: [number, string][] = [];
    for (let t = start; t <= end; t += HOUR) {
      const h = new Date(t - HOUR).getUTCHours();
      const day = (new Date(t - HOUR).getUTCDay() + 6) % 7;
      values.push([t / 1000, day < 5 && h >= 9 && h < 18 ? String(3600 * 2) : String(3600 * 0.1)]);
    }
    values[3] = [values[3]![0], 'NaN'];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = typeof address === 'object' && address !== null ? `http://127.0.0.1:${address.port}` : '';
});
afterAll(() => server?.close());

describe('forecast with Prometheus request rates', () => {
  it('queries the workload rate hour by hour and forecasts it with the Gerrit series', async () => {
    mode = 'ok';
    const deps = await copilotDeps({ extra: { activity: quietGerrit, meshRates: new PrometheusClient({ baseUrl: base }), clock: () => NOW } });
    const result = await forecastLoad(deps, { weeks: 3, days: 2, workloads: ['ci/build-runner'] }, { actor: 'user:alice' });
    const q = queries.at(-1)!;
    expect(q.get('query')).toBe('sum(rate(istio_requests_total{reporter="destination",destination_workload_namespace="ci",destination_workload="build-runner"}[1h])) * 3600');
    expect(q.get('step')).toBe('3600s');
    expect(Number(q.get('end')) * 1000).toBe(Date.parse('2026-11-25T11:00:00Z'));
    const rates = result.series.find((s) => s.name === 'requests:ci/build-runner')!;
    expect(rates).toBeDefined();
    expect(result.sources.prometheus).toEqual({ workloads: ['ci/build-runner'] });
    // Working hours carry 7,200 requests/h: the next weekday 10:00 is forecast there, the night low.
    const thursday10 = rates.hourly.find((h) => h.hour === '2026-11-26T10:00:00.000Z')!;
    expect(thursday10.expected).toBeGreaterThan(6_500);
    expect(thursday10.expected).toBeLessThan(7_900);
    expect(rates.hourly.find((h) => h.hour === '2026-11-26T02:00:00.000Z')!.expected).toBeLessThan(1_000);
    expect(rates.peaks[0]!.when).toMatch(/^(Wed|Thu) (09|1\d):00 UTC$/);
    expect(rates.backtest).toMatchObject({ heldOutWeeks: 1 });
  });

  it.each([
    ['an error answer', 'error' as const, 'prometheus-unavailable', /tsdb not ready/],
    ['a query it refuses', 'bad-query' as const, 'prometheus-bad-query', /parse error/],
  ])('fails on %s, never forecasting from partial data', async (_what, m, code, message) => {
    mode = m;
    const deps = await copilotDeps({ extra: { activity: quietGerrit, meshRates: new PrometheusClient({ baseUrl: base }), clock: () => NOW } });
    await expect(forecastLoad(deps, { weeks: 1, workloads: ['ci/build-runner'] }, { actor: 'user:alice' })).rejects.toMatchObject({ code, message });
    expect((await deps.store.listAudit()).at(-1)).toMatchObject({ outcome: 'failed' });
  });

  it('refuses a workload without Prometheus, a workload that is not namespace/name, and a Prometheus that does not answer', async () => {
    const without = await copilotDeps({ extra: { activity: quietGerrit, clock: () => NOW } });
    await expect(forecastLoad(without, { workloads: ['ci/build-runner'] }, { actor: 'user:alice' })).rejects.toMatchObject({ code: 'not-configured' });
    const deps = await copilotDeps({ extra: { activity: quietGerrit, meshRates: new PrometheusClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2_000 }), clock: () => NOW } });
    await expect(forecastLoad(deps, { workloads: ['ci/build-runner"} or vector(1) #'] }, { actor: 'user:alice' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(forecastLoad(deps, { weeks: 1, workloads: ['ci/build-runner'] }, { actor: 'user:alice' })).rejects.toMatchObject({ code: 'prometheus-unavailable', retryable: true });
    await expect(forecastLoad(deps, { weeks: 0 }, { actor: 'user:alice' })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('weeks') });
  });
});
