// Benchmarks of `gic analyze` on the generated bench mesh (bench/generate-mesh.ts: 2,000 workloads,
// 5,000 AuthorizationPolicies), printing ONE JSON document on stdout; progress goes to stderr.
//   full analysis (snapshot + analyzers, from parsed documents)   < 2 s
//   peak RSS of the whole run                                      < 1 GB
//   re-analysis after one changed resource (AnalysisSession)       < 50 ms (median and p95 over edits)
// YAML parsing and the end-to-end time from text are reported too (no target).
// Usage: npx tsx bench/analyze-benchmarks.ts [--seed N] [--edits N]
import { parseArgs } from 'node:util';

import { ALL_ANALYZERS } from '../src/policy/analyze/all.js';
import { snapshotFromDocuments } from '../src/policy/analyze/analysis-snapshot.js';
import { AnalysisSession } from '../src/policy/analyze/analysis-session.js';
import { runAnalyzers } from '../src/policy/analyze/run-analyzers.js';
import { parseDocuments } from '../src/policy/parse/parse-documents.js';
import type { ParsedDocument } from '../src/policy/parse/parsed-document.js';
import { generateMesh } from './generate-mesh.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, edits: { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const editCount = Number(values.edits ?? 40);
const progress = (m: string): void => void process.stderr.write(`[bench:analyze] ${m}\n`);
const ms = (t0: number): number => Math.round((performance.now() - t0) * 100) / 100;
let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

progress('generating the mesh');
const mesh = generateMesh(seed);
sampleRss();

let t = performance.now();
const documents: ParsedDocument[] = [];
for (const s of mesh.sources) documents.push(...parseDocuments(s.text, s.file).documents);
const parseMs = ms(t);
sampleRss();
progress(`parsed ${documents.length} documents in ${parseMs} ms`);

t = performance.now();
const snapshot = snapshotFromDocuments(documents);
const snapshotMs = ms(t);
// Each run in its own function, so that its findings can be collected before the incremental part.
const unverifiedRun = ((): { ms: number; count: number } => {
  const t0 = performance.now();
  const r = runAnalyzers(snapshot, ALL_ANALYZERS, { verifyWitnesses: false });
  return { ms: ms(t0), count: r.findings.length };
})();
const unverifiedMs = unverifiedRun.ms;
sampleRss();
progress(`analyzers without witness checks: ${unverifiedMs} ms`);
const verifiedRun = ((): { ms: number; count: number; witnesses: number; byCode: Record<string, number> } => {
  const t0 = performance.now();
  const r = runAnalyzers(snapshot, ALL_ANALYZERS);
  const elapsed = ms(t0);
  const byCode = Object.fromEntries([...r.findings.reduce((m, f) => m.set(f.code, (m.get(f.code) ?? 0) + 1), new Map<string, number>())].sort());
  return { ms: elapsed, count: r.findings.length, witnesses: r.findings.filter((f) => f.witness !== undefined).length, byCode };
})();
const analyzersMs = verifiedRun.ms;
const { count: findingCount, witnesses, byCode } = verifiedRun;
sampleRss();
progress(`full analysis: snapshot ${snapshotMs} ms, analyzers ${analyzersMs} ms, ${findingCount} findings (${unverifiedRun.count} unverified), ${witnesses} verified witnesses`);

progress('building the incremental session');
t = performance.now();
const session = new AnalysisSession(snapshot, ALL_ANALYZERS);
const sessionMs = ms(t);
sampleRss();

// Each edit replaces one existing AuthorizationPolicy (a namespace typo or a method change) in place.
const policies = snapshot.mesh.authorizationPolicies.filter((p) => p.namespace !== snapshot.mesh.meshConfig.rootNamespace);
const edits: number[] = [];
const recomputed: number[] = [];
for (let i = 0; i < editCount; i++) {
  const p = policies[(i * 7919) % policies.length]!;
  const text = [
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    `metadata: {name: ${p.name}, namespace: ${p.namespace}}`,
    'spec:',
    `  selector: {matchLabels: {app: ${p.spec.selector?.matchLabels?.['app'] ?? 'edited'}}}`,
    '  rules:',
    '  - from:',
    `    - source: {namespaces: [${i % 2 === 0 ? 'no-such-namespace' : p.namespace}]}`,
    '    to:',
    `    - operation: {methods: [${i % 3 === 0 ? 'get' : 'GET'}]}`,
  ].join('\n');
  const t0 = performance.now();
  const stats = session.upsert({ file: `edit-${i}.yaml`, text });
  session.findings();
  edits.push(performance.now() - t0);
  recomputed.push(stats.recomputed);
}
sampleRss();
edits.sort((a, b) => a - b);
const median = edits[Math.floor(edits.length / 2)] ?? 0;
const p95 = edits[Math.min(edits.length - 1, Math.floor(edits.length * 0.95))] ?? 0;
progress(`re-analysis after one changed policy: median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`);

const fullMs = snapshotMs + analyzersMs;
const round = (x: number): number => Math.round(x * 100) / 100;
const out = {
  seed,
  mesh: { documents: documents.length, workloads: snapshot.mesh.workloads.length, authorizationPolicies: snapshot.mesh.authorizationPolicies.length, peerAuthentications: snapshot.mesh.peerAuthentications.length, requestAuthentications: snapshot.mesh.requestAuthentications.length },
  findings: { total: findingCount, withVerifiedWitness: witnesses, byCode },
  results: [
    { name: 'analyze: full analysis from parsed documents', value: round(fullMs), unit: 'ms', target: { max: 2000 }, pass: fullMs < 2000, details: { snapshotMs, analyzersMs } },
    { name: 'analyze: full analysis without checking witnesses', value: round(snapshotMs + unverifiedMs), unit: 'ms', target: { max: 2000 }, pass: snapshotMs + unverifiedMs < 2000, details: { snapshotMs, analyzersMs: unverifiedMs } },
    { name: 'analyze: re-analysis after one changed resource (median)', value: round(median), unit: 'ms', target: { max: 50 }, pass: median < 50, details: { p95: round(p95), edits: editCount, medianRecomputedSubjects: recomputed.sort((a, b) => a - b)[Math.floor(recomputed.length / 2)] } },
    { name: 'analyze: peak RSS', value: Math.round(peakRss / 1048576), unit: 'MB', target: { max: 1024 }, pass: peakRss < 1024 * 1048576 },
    { name: 'analyze: YAML parsing', value: parseMs, unit: 'ms', target: null, pass: null },
    { name: 'analyze: end to end from text', value: round(parseMs + fullMs), unit: 'ms', target: null, pass: null },
    { name: 'analyze: incremental session set-up', value: sessionMs, unit: 'ms', target: null, pass: null },
  ],
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
