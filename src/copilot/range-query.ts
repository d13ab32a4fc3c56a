// What the load forecast reads from Prometheus: one range query (PrometheusClient satisfies it), so the
// copilot depends on the shape, not on the adapter.

export interface RangeQuery {
  /** PromQL from `start` to `end` (epoch ms) every `stepSeconds`; each series' samples as (epoch ms, value). */
  queryRange(query: string, start: number, end: number, stepSeconds: number, options?: { readonly signal?: AbortSignal }): Promise<readonly { readonly samples: readonly (readonly [number, number])[] }[]>;
}
