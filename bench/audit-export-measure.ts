// Measures `gic audit export` on a big log as an auditor runs it, for store-benchmarks.ts (SQLite) and
// postgres-store-benchmarks.ts: the real command (runCli, in this process) with stdout bound to a write
// stream on /dev/null, so the export waits on 'drain' as it does on a pipe. Run twice: once timed
// (throughput, CPU), once with a full GC every 50 ms (the live heap, so the peak is what the export keeps,
// not garbage V8 has not collected yet). Also measures, for comparison, the live heap of what the export
// did before it streamed: the whole log read (`listAudit`) and one JSON document built. Not a benchmark itself.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

import type { CliIo } from '../src/cli/output/cli-io.js';
import { runCli } from '../src/cli/run-cli.js';
import type { Store } from '../src/store/store.js';
import { roundFigure } from './bench-results.js';
import { watchHeap } from './watch-heap.js';

const MB = 1024 * 1024;

export interface ExportRun {
  readonly code: number;
  readonly bytes: number;
  readonly lines: number;
}

/**
 * `gic audit export ...args` with stdout on /dev/null (backpressure as on a pipe), `env` set in
 * process.env meanwhile (undefined removes a variable). Counts the bytes and lines written.
 */
export async function exportToNull(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<ExportRun> {
  const sink = createWriteStream('/dev/null');
  let bytes = 0;
  let lines = 0;
  const io: CliIo = {
    stdout: (text) => {
      bytes += Buffer.byteLength(text);
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
      sink.write(text);
    },
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTTY: false,
    drain: async () => {
      if (sink.writableNeedDrain) await once(sink, 'drain');
    },
  };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Readonly<Record<string, string | undefined>>): void => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  try {
    const code = await runCli(['audit', 'export', ...args], io);
    return { code, bytes, lines };
  } finally {
    apply(saved);
    sink.end();
    await once(sink, 'close');
  }
}

export interface ExportFigures {
  readonly ok: boolean;
  readonly entriesPerSecond: number;
  readonly liveHeapGrowthMB: number;
  readonly details: Record<string, unknown>;
}

/**
 * `-o jsonl` of the whole log (timed, then with the live heap watched), `-o json` timed, and the live
 * heap of the whole-log read for comparison. `ok`: both exports exit 0 with the header and `entries` lines.
 */
export async function measureExport(entries: number, args: readonly string[], env: Readonly<Record<string, string | undefined>>, openReader: () => Promise<Store>): Promise<ExportFigures> {
  const jsonl = [...args, '-o', 'jsonl'];
  const timed = await watchHeap(() => exportToNull(jsonl, env), false);
  const live = await watchHeap(() => exportToNull(jsonl, env), true);
  const json = await watchHeap(() => exportToNull([...args, '-o', 'json'], env), false);
  const reader = await openReader();
  let wholeLogLiveHeapGrowthMB: number;
  try {
    // What the export did before streaming: every entry in memory (listAudit), then one JSON document.
    const wholeLog = await watchHeap(async () => {
      const all = await reader.listAudit();
      return [all, JSON.stringify({ entries: all }, null, 2)] as const;
    }, true);
    wholeLogLiveHeapGrowthMB = wholeLog.heapGrowthMB;
  } finally {
    await reader.close();
  }
  const ok = [timed, live].every((r) => r.result.code === 0 && r.result.lines === entries + 1) && json.result.code === 0;
  return {
    ok,
    entriesPerSecond: entries / timed.seconds,
    liveHeapGrowthMB: live.heapGrowthMB,
    details: {
      entries,
      format: 'jsonl',
      seconds: roundFigure(timed.seconds),
      cpuMicrosPerEntry: roundFigure(timed.cpuMicros / entries),
      megabytesWritten: roundFigure(timed.result.bytes / MB),
      jsonSeconds: roundFigure(json.seconds),
      liveHeapGrowthMB: live.heapGrowthMB,
      heapBeforeMB: timed.heapBeforeMB,
      heapPeakWithGarbageMB: timed.heapPeakMB,
      rssGrowthMB: Math.max(timed.rssGrowthMB, live.rssGrowthMB),
      wholeLogLiveHeapGrowthMB,
    },
  };
}
