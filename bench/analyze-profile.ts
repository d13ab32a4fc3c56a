// Profiling helper for `gic analyze` on the bench mesh: builds the snapshot and runs the analyzers
// `--runs N` times, printing the CPU and wall time of each phase to stderr (run under `node --cpu-prof`).
// Usage: npx tsx bench/analyze-profile.ts [--seed N] [--runs N]
import { parseArgs } from 'node:util';

import { ALL_ANALYZERS } from '../src/policy/analyze/all.js';
import { snapshotFromDocuments } from '../src/policy/analyze/analysis-snapshot.js';
import { runAnalyzers } from '../src/policy/analyze/run-analyzers.js';
import { parseDocuments } from '../src/policy/parse/parse-documents.js';
import type { ParsedDocument } from '../src/policy/parse/parsed-document.js';
import { generateMesh } from './generate-mesh.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' } } });
const generated = generateMesh(Number(values.seed ?? 20261125));
const documents: ParsedDocument[] = [];
for (const s of generated.sources) documents.push(...parseDocuments(s.text, s.file).documents);
const phase = <T>(name: string, f: () => T): T => {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = f();
  const cpu = process.cpuUsage(c);
  process.stderr.write(`${name}: wall ${(performance.now() - t).toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms\n`);
  return r;
};
for (let i = 0; i < Number(values.runs ?? 2); i++) {
  const snapshot = phase('snapshot', () => snapshotFromDocuments(documents));
  const r = phase('analyzers', () => runAnalyzers(snapshot, ALL_ANALYZERS));
  process.stderr.write(`${r.findings.length} findings, ${r.findings.filter((f) => f.witness !== undefined).length} witnesses, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB\n`);
}
