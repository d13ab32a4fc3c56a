// Tracing is off unless configured: without an OTLP endpoint nothing is registered, spans are no-ops
// (no trace ids in logs, no traceparent sent), and work still runs and fails as it would.
import { describe, expect, it } from 'vitest';

import { activeTraceIds, traceHeaders, withSpan } from '../tracing.js';
import { startTracing } from './start-tracing.js';

describe('startTracing', () => {
  it('is off without an endpoint: no ids, no headers, work unchanged', async () => {
    const tracing = startTracing({ serviceName: 'gic', sampleRatio: 1 });
    expect(tracing.enabled).toBe(false);
    const seen = await withSpan('copilot explain', {}, () => Promise.resolve({ ids: activeTraceIds(), headers: traceHeaders({}) }));
    expect(seen).toEqual({ ids: undefined, headers: {} });
    await expect(withSpan('copilot explain', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await tracing.shutdown();
  });
});
