// Starts audit-append-worker.ts in several real processes on one data directory, releases them
// together once every one has opened the store, and collects what each appended. Shared by the
// concurrent-writer test and the store benchmark.
import { fork } from 'node:child_process';
import { join } from 'node:path';

import type { WorkerReport } from './audit-append-worker.js';

const WORKER = join(import.meta.dirname, 'audit-append-worker.ts');

export interface WritersResult {
  readonly reports: WorkerReport[];
  /** From `go` to the last worker's report. */
  readonly wallMs: number;
}

export interface WriterSpec {
  readonly name: string;
  /** Appends the worker keeps outstanding (default 1: one after the other). */
  readonly inFlight?: number;
}

export interface WritersOptions {
  /** Hold every worker after its first append until all have made one, so they surely interleave. */
  readonly interleave?: boolean;
}

export async function runAppendWorkers(dataDir: string, writers: readonly WriterSpec[], count: number, synchronous: 'full' | 'normal' = 'full', options: WritersOptions = {}): Promise<WritersResult> {
  let firsts = 0;
  const children = writers.map(({ name, inFlight }) => {
    const child = fork(WORKER, [dataDir, name, String(count), synchronous, String(inFlight ?? 1), options.interleave === true ? '1' : '0'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m: { type?: string }) => {
      if (m.type !== 'first' || ++firsts < writers.length) return;
      for (const c of children) c.child.send('all-started');
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: { type?: string }) => m.type === 'ready' && resolve());
      child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before it was ready`)));
    });
    const done = new Promise<WorkerReport>((resolve, reject) => {
      child.on('message', (m: { type?: string }) => m.type === 'done' && resolve(m as WorkerReport));
      child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`worker ${name} exited with ${code}`))));
    });
    return { child, ready, done };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
    const started = performance.now();
    for (const c of children) c.child.send('go');
    const reports = await Promise.all(children.map((c) => c.done));
    return { reports, wallMs: performance.now() - started };
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill();
  }
}
