// The Grafana dashboard in deploy/ stays in step with what gic exports: it is valid dashboard JSON
// (unique panel ids, a Prometheus data source variable, every panel with a query), every gic_* family
// it queries is one a metric registry of gic defines (or prom-client's process defaults under the gic_
// prefix), and every family the README's Metrics table lists is on the dashboard.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { createServiceMetrics } from '../../src/http/service-metrics.js';
import { createStoreMetrics } from '../../src/telemetry/instrumented-store.js';

const ROOT = join(import.meta.dirname, '../..');

interface Panel {
  id: number;
  title: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'gic-dashboard.json'), 'utf8')) as { uid: string; panels: Panel[]; templating: { list: { name: string; query: string }[] } };

async function exportedFamilies(): Promise<Set<string>> {
  const service = createServiceMetrics({ defaults: true });
  const store = new Registry();
  createStoreMetrics(store, 'postgres');
  const text = `${await service.registry.metrics()}\n${await store.metrics()}`;
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}

describe('deploy/grafana/gic-dashboard.json', () => {
  it('is a dashboard with unique panel ids, a Prometheus data source variable and a query in every panel', () => {
    expect(dashboard.uid).toBe('gic-overview');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')?.query).toBe('prometheus');
    for (const panel of dashboard.panels) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it('queries only families gic exports, and shows every family the README lists', async () => {
    const exported = await exportedFamilies();
    const queried = new Set(dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/\b(gic_[a-z0-9_]+?)(?:_bucket|_sum|_count)?\b(?=[{[(\s)]|$)/g)].map((m) => m[1]!))));
    const unknown = [...queried].filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `(gic_[a-z_]+)` \|/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThanOrEqual(11);
    for (const family of listed) {
      expect(exported.has(family), `${family} is in the README but not exported`).toBe(true);
      expect(queried.has(family), `${family} is not on the dashboard`).toBe(true);
    }
  });
});
