// Prometheus's HTTP API (`GET /api/v1/query_range`), read-only, on undici: one range query returns its
// series as (epoch ms, value) pairs. Errors are typed: `prometheus-unavailable` (no answer, a timeout,
// 5xx; retryable), `prometheus-unauthorized` (401/403), `prometheus-bad-query` (400/422, Prometheus's
// own message kept), `prometheus-bad-response` (not the documented JSON). NaN and infinite samples
// (Prometheus sends them as strings) are dropped, never counted as zero.
import { fetch } from 'undici';
import { z } from 'zod';

import { AppError } from '../errors.js';

const RangeResponseSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
  }),
});
const ErrorResponseSchema = z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() });

export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Samples in time order: epoch ms and value. */
  readonly samples: readonly (readonly [number, number])[];
}

export interface PrometheusClientOptions {
  /** Base URL, e.g. http://prometheus.istio-system:9090 (a path prefix is kept). */
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  /** Extra headers (an Authorization header for a protected Prometheus). */
  readonly headers?: Readonly<Record<string, string>>;
}

export class PrometheusClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(options: PrometheusClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.headers = options.headers ?? {};
  }

  /** A PromQL range query from `start` to `end` (epoch ms) every `stepSeconds`. */
  async queryRange(query: string, start: number, end: number, stepSeconds: number, options: { readonly signal?: AbortSignal } = {}): Promise<RangeSeries[]> {
    const url = new URL(`${this.base}/api/v1/query_range`);
    url.searchParams.set('query', query);
    url.searchParams.set('start', String(start / 1000));
    url.searchParams.set('end', String(end / 1000));
    url.searchParams.set('step', `${stepSeconds}s`);
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(options.signal === undefined ? [] : [options.signal])];
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', ...this.headers }, signal: AbortSignal.any(signals) });
    } catch (error) {
      throw new AppError('prometheus-unavailable', `Prometheus at ${this.base} did not answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error, retryable: true });
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const detail = ErrorResponseSchema.safeParse(body);
      const message = `Prometheus at ${this.base} answered ${response.status}${detail.success && detail.data.error !== undefined ? `: ${detail.data.error}` : ''}`;
      if (response.status === 401 || response.status === 403) throw new AppError('prometheus-unauthorized', message);
      if (response.status === 400 || response.status === 422) throw new AppError('prometheus-bad-query', `${message} (query: ${query})`);
      throw new AppError('prometheus-unavailable', message, { retryable: response.status >= 500 || response.status === 429 });
    }
    const parsed = RangeResponseSchema.safeParse(body);
    if (!parsed.success) throw new AppError('prometheus-bad-response', `Prometheus at ${this.base} sent a range answer that is not a matrix: ${parsed.error.issues[0]?.message ?? 'unreadable'}`);
    return parsed.data.data.result.map((series) => ({
      labels: series.metric,
      samples: series.values.flatMap(([time, value]) => {
        const number = Number(value);
        return Number.isFinite(number) ? [[Math.round(time * 1000), number] as const] : [];
      }),
    }));
  }
}
