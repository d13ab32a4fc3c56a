import { describe, expect, it } from 'vitest';

import { runDoctorChecks } from './run-doctor-checks.js';

describe('runDoctorChecks', () => {
  it('keeps the order, fails a check that throws or runs past its deadline, and never lets one affect another', async () => {
    const results = await runDoctorChecks(
      [
        { name: 'a', run: () => Promise.resolve({ ok: true, detail: 'fine', configured: false }) },
        { name: 'b', run: () => Promise.reject(new Error('connection refused')) },
        {
          name: 'c',
          run: (signal) =>
            new Promise((resolve) => {
              signal.addEventListener('abort', () => resolve({ ok: true, detail: 'answered after the deadline' }));
            }),
        },
        { name: 'd', run: () => Promise.resolve({ ok: false, detail: 'egress refused', addresses: ['8.8.8.8'], egress: 'refused' }) },
      ],
      { timeoutMs: 50, now: () => 0 },
    );
    expect(results).toEqual([
      { name: 'a', ok: true, detail: 'fine', configured: false, ms: 0 },
      { name: 'b', ok: false, detail: 'connection refused', ms: 0 },
      { name: 'c', ok: false, detail: 'no result within 50 ms', ms: 0 },
      { name: 'd', ok: false, detail: 'egress refused', addresses: ['8.8.8.8'], egress: 'refused', ms: 0 },
    ]);
    expect(Object.keys(results[3] ?? {})).toEqual(['name', 'ok', 'detail', 'addresses', 'egress', 'ms']);
  });
});
