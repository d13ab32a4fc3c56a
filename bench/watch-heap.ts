// Runs a piece of benchmark work while the heap is sampled, for the store and export benchmarks: the
// time, the CPU, and the heap and RSS peaks above what they were before (after a full GC). With `live`,
// a full GC before each sample (every 50 ms), so the peak is what the work keeps, not garbage V8 has not
// collected yet (which is what the plain peak mostly is while the heap has room). Not a benchmark itself.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { roundFigure } from './bench-results.js';

const MB = 1024 * 1024;
setFlagsFromString('--expose-gc');
/** A full collection (V8's gc, exposed for the benchmarks). */
export const collectGarbage = runInNewContext('gc') as () => void;

export interface HeapWatch<T> {
  readonly result: T;
  readonly seconds: number;
  readonly cpuMicros: number;
  readonly heapBeforeMB: number;
  readonly heapPeakMB: number;
  /** The peak above the heap before (after a full GC). */
  readonly heapGrowthMB: number;
  readonly rssBeforeMB: number;
  readonly rssGrowthMB: number;
}

/** Runs `work` while the heap is sampled (every 5 ms; `live`: a full GC before each sample, every 50 ms). */
export async function watchHeap<T>(work: () => Promise<T>, live: boolean): Promise<HeapWatch<T>> {
  collectGarbage();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sample = (): void => {
    if (live) collectGarbage();
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  const sampler = setInterval(sample, live ? 50 : 5);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await work();
    sample();
    const used = process.cpuUsage(cpu);
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      cpuMicros: used.user + used.system,
      heapBeforeMB: roundFigure(before.heapUsed / MB),
      heapPeakMB: roundFigure(peakHeap / MB),
      heapGrowthMB: roundFigure((peakHeap - before.heapUsed) / MB),
      rssBeforeMB: roundFigure(before.rss / MB),
      rssGrowthMB: roundFigure((peakRss - before.rss) / MB),
    };
  } finally {
    clearInterval(sampler);
  }
}
