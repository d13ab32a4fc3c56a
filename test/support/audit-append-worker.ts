// A child process for the concurrent-writer test and benchmark: opens the SQLite store in the data
// directory it is given (or the PostgreSQL store when it is given a postgres:// URL), reports `ready` over IPC, waits for `go`, appends COUNT audit entries as
// `proc:<NAME>` (evidence {"writer", "i"}) as fast as it can with IN_FLIGHT appends outstanding (1:
// one after the other; more: the store commits them in groups), and reports the seqs it was given (by
// i) and its elapsed time. With INTERLEAVE `1` it appends its first entry, reports `first` and waits for
// `all-started` (every worker has appended one) before the rest, so the writers are sure to interleave
// however the machine schedules them. Run it with `node --import tsx` through child_process.fork.
//   audit-append-worker.ts DATA_DIR NAME COUNT [full|normal] [IN_FLIGHT] [INTERLEAVE]
import { createHash } from 'node:crypto';

import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

export interface WorkerReport {
  readonly type: 'done';
  readonly name: string;
  readonly seqs: number[];
  readonly elapsedMs: number;
  readonly busyRetries?: number;
}

const [dataDir, name, countText, synchronous, inFlightText, interleaveText] = process.argv.slice(2);
const interleave = interleaveText === '1';
if (dataDir === undefined || name === undefined || countText === undefined || process.send === undefined) {
  process.stderr.write('usage (forked): audit-append-worker.ts DATA_DIR NAME COUNT [full|normal] [IN_FLIGHT]\n');
  process.exit(2);
}
const count = Number(countText);
const inFlight = Math.max(1, Number(inFlightText ?? 1));
const store = /^postgres(ql)?:\/\//.test(dataDir)
  ? await openPostgresStore({ url: dataDir, poolSize: 2, applicationName: `gic-worker-${name}` })
  : await openSqliteStore({ dataDir, synchronous: synchronous === 'normal' ? 'normal' : 'full' });
const send = (message: unknown): Promise<void> => new Promise((resolve, reject) => process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())));

/** Resolves when the runner says every worker has appended its first entry. */
const allStarted = new Promise<void>((resolve) => process.on('message', (m: unknown) => m === 'all-started' && resolve()));

process.on('message', (message: unknown) => {
  if (message !== 'go') return;
  void (async () => {
    const seqs: number[] = new Array<number>(count);
    const started = performance.now();
    let next = 0;
    if (interleave && count > 0) {
      seqs[0] = (await store.appendAudit({ actor: `proc:${name}`, action: 'bench:append', inputsHash: createHash('sha256').update(`${name} 0`).digest('hex'), outcome: 'ok', evidence: { writer: name, i: 0 } })).seq;
      next = 1;
      await send({ type: 'first', name });
      await allStarted;
    }
    const loop = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const entry = await store.appendAudit({
          actor: `proc:${name}`,
          action: 'bench:append',
          inputsHash: createHash('sha256').update(`${name} ${i}`).digest('hex'),
          outcome: 'ok',
          evidence: { writer: name, i },
        });
        seqs[i] = entry.seq;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, loop));
    const report: WorkerReport = { type: 'done', name, seqs, elapsedMs: performance.now() - started };
    await store.close();
    await send(report);
    process.disconnect();
  })().catch((error: unknown) => {
    process.stderr.write(`worker ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
});
await send({ type: 'ready', name });
