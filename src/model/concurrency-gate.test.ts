import { describe, expect, it } from 'vitest';

import { ConcurrencyGate } from './concurrency-gate.js';

describe('ConcurrencyGate', () => {
  it('runs at most `limit` tasks at once, in arrival order', async () => {
    const gate = new ConcurrencyGate(2);
    const started: number[] = [];
    let peak = 0;
    const releases: (() => void)[] = [];
    const tasks = [1, 2, 3, 4, 5].map((n) =>
      gate.run(async () => {
        started.push(n);
        peak = Math.max(peak, gate.running);
        await new Promise<void>((resolve) => releases.push(resolve));
        return n;
      }),
    );
    while (started.length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      releases.shift()?.();
    }
    releases.forEach((release) => release());
    expect(await Promise.all(tasks)).toEqual([1, 2, 3, 4, 5]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it('drops a waiter whose signal aborts, with the reason', async () => {
    const gate = new ConcurrencyGate(1);
    let release = (): void => undefined;
    const first = gate.run(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    const controller = new AbortController();
    const second = gate.run(() => Promise.resolve('second'), controller.signal);
    controller.abort(new Error('cancelled by caller'));
    await expect(second).rejects.toThrow('cancelled by caller');
    const third = gate.run(() => Promise.resolve('third'));
    release();
    expect(await first).toBe('first');
    expect(await third).toBe('third');
    expect(() => new ConcurrencyGate(0)).toThrow(RangeError);
  });
});
