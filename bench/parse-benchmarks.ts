// Parsing benchmarks: YAML -> documents (parseDocuments) and YAML -> Mesh (parseMesh) on the generated
// bench mesh and on 10,000 AuthorizationPolicies, with the fast block-YAML path and, for comparison,
// with the full yaml parser only (`fastPath: false`). Each figure is the median of timed runs after a
// warm-up, in wall and CPU milliseconds (CPU is what counts on a busy machine), plus throughput and
// how many documents the fast path read itself. run-benchmarks.ts records `parse-mesh` from here.
// Usage: npx tsx bench/parse-benchmarks.ts [--seed N] [--runs N] [--full-parser]   (JSON on stdout)
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import type { BuildMeshResult } from '../src/policy/parse/build-mesh.js';
import { scanBlockYaml } from '../src/policy/parse/block-yaml-scanner.js';
import { type ParseOptions, parseDocuments } from '../src/policy/parse/parse-documents.js';
import { parseMesh } from '../src/policy/parse/parse-mesh.js';
import { plainScalarResolver } from '../src/policy/parse/plain-scalar.js';
import { splitDocuments } from '../src/policy/parse/prescan.js';
import { generateMesh, generatePolicySources } from './generate-mesh.js';

export interface Source {
  readonly file: string;
  readonly text: string;
}

export interface ParseFigure {
  /** Median wall and CPU time of one pass over all sources. */
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly runsWallMs: readonly number[];
  /** The untimed warm-up run (first run in the process: includes JIT compilation). */
  readonly firstRunWallMs: number;
  readonly megabytes: number;
  readonly megabytesPerCpuSecond: number;
  readonly documents: number;
  readonly findings: number;
}

/** Target for `parse-mesh` (parseMesh of the bench mesh: parse + snapshot), median wall time. */
export const PARSE_MESH_TARGET_MS = 1000;

const round = (x: number): number => Math.round(x * 1000) / 1000;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Times `pass` `runs` times after one warm-up run; counts come from the last run. */
function timed(sources: readonly Source[], runs: number, pass: () => { documents: number; findings: number }): ParseFigure {
  const first = process.hrtime.bigint();
  let counts = pass();
  const firstRunWallMs = Number(process.hrtime.bigint() - first) / 1e6;
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    counts = pass();
    const used = process.cpuUsage(cpu);
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    cpus.push((used.user + used.system) / 1000);
  }
  const megabytes = sources.reduce((n, s) => n + s.text.length, 0) / 1e6;
  const cpuMs = median(cpus);
  return {
    wallMs: round(median(walls)),
    cpuMs: round(cpuMs),
    runsWallMs: walls.map(round),
    firstRunWallMs: round(firstRunWallMs),
    megabytes: round(megabytes),
    megabytesPerCpuSecond: round(megabytes / (cpuMs / 1000)),
    documents: counts.documents,
    findings: counts.findings,
  };
}

/** parseDocuments over every source. */
export function measureParseDocuments(sources: readonly Source[], runs = 3, options: ParseOptions = {}): ParseFigure {
  return timed(sources, runs, () => {
    let documents = 0;
    let findings = 0;
    for (const source of sources) {
      const result = parseDocuments(source.text, source.file, options);
      documents += result.documents.length;
      findings += result.findings.length;
    }
    return { documents, findings };
  });
}

/** parseMesh (parse + build the snapshot); also returns the last mesh. */
export function measureParseMesh(sources: readonly Source[], runs = 3, options: ParseOptions = {}): ParseFigure & { readonly result: BuildMeshResult } {
  let result: BuildMeshResult | undefined;
  const figure = timed(sources, runs, () => {
    result = parseMesh(sources, { limits: options });
    const mesh = result.mesh;
    return { documents: mesh.authorizationPolicies.length + mesh.peerAuthentications.length + mesh.requestAuthentications.length + mesh.workloads.length + mesh.services.length, findings: result.findings.length };
  });
  return { ...figure, result: result! };
}

/** Share of YAML documents the fast block scanner reads itself (the rest go to the full parser). */
export function fastPathShare(sources: readonly Source[]): { documents: number; fast: number } {
  const resolver = plainScalarResolver(true);
  let documents = 0;
  let fast = 0;
  for (const source of sources) {
    for (const chunk of splitDocuments(source.text)) {
      if (chunk.text.trim() === '') continue;
      documents++;
      if (scanBlockYaml(chunk.text, chunk.line, resolver, 64, false) !== undefined) fast++;
    }
  }
  return { documents, fast };
}

/** Time to resolve the line of every top-level field of every document (first calls build the line trees). */
export function measureLineLookups(sources: readonly Source[]): { documents: number; lookups: number; cpuMs: number } {
  const docs = sources.flatMap((s) => [...parseDocuments(s.text, s.file).documents]);
  const cpu = process.cpuUsage();
  let lookups = 0;
  for (const doc of docs) {
    for (const key of Object.keys(doc.value as object)) {
      doc.lineOf(`${key}`);
      lookups++;
    }
    doc.lineOf('spec.rules[0].from[0].source.principals[0]');
    lookups++;
  }
  const used = process.cpuUsage(cpu);
  return { documents: docs.length, lookups, cpuMs: round((used.user + used.system) / 1000) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' }, 'full-parser': { type: 'boolean' } } });
  const seed = Number(values.seed ?? 20261125);
  const runs = Number(values.runs ?? 3);
  const progress = (message: string): void => void process.stderr.write(`[parse-bench] ${message}\n`);
  const mesh = generateMesh(seed).sources;
  const policies = generatePolicySources(seed + 2, 10_000);
  const rssMB = (): number => round(process.memoryUsage().rss / 1024 / 1024);
  const out: Record<string, unknown> = { node: process.version, seed, runs };
  const figures: Record<string, unknown> = {};
  progress('parseDocuments on the bench mesh');
  figures['parse-documents-mesh'] = measureParseDocuments(mesh, runs);
  progress('parseMesh on the bench mesh');
  const { result: _result, ...parseMeshFigure } = measureParseMesh(mesh, runs);
  figures['parse-mesh'] = { ...parseMeshFigure, target: { max: PARSE_MESH_TARGET_MS }, pass: parseMeshFigure.wallMs < PARSE_MESH_TARGET_MS };
  progress('parseDocuments on 10,000 policies');
  figures['parse-10000-policies'] = measureParseDocuments(policies, runs);
  figures['fast-path-share'] = { mesh: fastPathShare(mesh), policies: fastPathShare(policies) };
  figures['line-lookups-mesh'] = measureLineLookups(mesh);
  if (values['full-parser'] === true) {
    progress('the same with the full yaml parser only (slow)');
    figures['parse-documents-mesh-full-parser'] = measureParseDocuments(mesh, 1, { fastPath: false });
    figures['parse-10000-policies-full-parser'] = measureParseDocuments(policies, 1, { fastPath: false });
  }
  out['figures'] = figures;
  out['rssMB'] = rssMB();
  out['peakRssMB'] = round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
