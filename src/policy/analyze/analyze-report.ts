// `gic analyze -o json` (docs/cli.md): the findings of the analyzers plus the input problems that
// prevented reading part of the mesh (malformed YAML, duplicate objects), each in the finding shape
// with the parse rule id as its code. Thresholds: `failed` says whether any finding is at or above the
// failure threshold; the output threshold filters what is listed. Pure.
import type { MeshFinding } from '../parse/mesh-finding.js';
import { MESH_RULES } from '../parse/mesh-finding.js';
import type { AnalysisOptions } from './analysis-options.js';
import { type AnalysisSource, buildAnalysisSnapshot } from './analysis-snapshot.js';
import type { GerritFacts } from './gerrit-facts.js';
import type { Analyzer } from './analyzer.js';
import { ALL_ANALYZERS } from './all.js';
import type { Finding, Witness } from './finding.js';
import { type Level, LEVEL_RANK } from './messages.js';
import { runAnalyzers, type SkippedAnalyzer } from './run-analyzers.js';

/** One entry of the JSON report: cli.md's keys first, then the explanation. */
export interface ReportedFinding {
  readonly code: string;
  readonly level: Level;
  readonly resource: { readonly kind: string; readonly namespace: string; readonly name: string } | null;
  readonly field: string;
  readonly source: string;
  readonly message: string;
  readonly refs: readonly string[];
  readonly line: number;
  readonly fix?: string;
  readonly docs?: string;
  readonly witness?: Witness;
}

export interface AnalyzeReport {
  readonly findings: readonly ReportedFinding[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly info: number };
  readonly skipped: readonly SkippedAnalyzer[];
  /** Analyzer failures (gic bugs) on single resources; present only when there are some. */
  readonly failures?: readonly string[];
}

export interface AnalyzeOptions extends AnalysisOptions {
  readonly analyzers?: readonly Analyzer[];
  /** Findings below this level are left out of the report (default info: all). */
  readonly outputThreshold?: Level;
  readonly gerrit?: GerritFacts;
}

function fromFinding(f: Finding): ReportedFinding {
  return { code: f.code, level: f.level, resource: f.resource, field: f.field, source: f.source, message: f.message, refs: f.refs, line: f.line, fix: f.fix, docs: f.docs, ...(f.witness === undefined ? {} : { witness: f.witness }) };
}

function fromInput(f: MeshFinding): ReportedFinding {
  return { code: f.rule, level: f.level, resource: f.resource ?? null, field: f.field ?? '', source: `${f.file}:${f.line}`, message: f.message, refs: [], line: f.line };
}

export function buildAnalyzeReport(findings: readonly Finding[], inputFindings: readonly MeshFinding[], skipped: readonly SkippedAnalyzer[], outputThreshold: Level = 'info', failures: readonly string[] = []): AnalyzeReport {
  // Schema-invalid policies are GIC100/200/300 findings already; the other input findings stay.
  const input = inputFindings.filter((f) => f.rule !== MESH_RULES.invalidPolicy).map(fromInput);
  const all = [...input, ...findings.map(fromFinding)];
  const summary = { errors: 0, warnings: 0, info: 0 };
  for (const f of all) {
    if (f.level === 'error') summary.errors++;
    else if (f.level === 'warning') summary.warnings++;
    else summary.info++;
  }
  return { findings: all.filter((f) => LEVEL_RANK[f.level] >= LEVEL_RANK[outputThreshold]), summary, skipped, ...(failures.length === 0 ? {} : { failures }) };
}

/** Parses, analyzes and reports in one call. */
export function analyzeSources(sources: readonly AnalysisSource[], options: AnalyzeOptions = {}): AnalyzeReport {
  const snapshot = buildAnalysisSnapshot(sources, options.gerrit);
  const result = runAnalyzers(snapshot, options.analyzers ?? ALL_ANALYZERS, options);
  return buildAnalyzeReport(result.findings, snapshot.inputFindings, result.skipped, options.outputThreshold, result.failures);
}

/** Whether any finding (listed or not) is at or above the threshold. */
export function failsAt(report: AnalyzeReport, threshold: Level): boolean {
  const { errors, warnings, info } = report.summary;
  if (threshold === 'error') return errors > 0;
  if (threshold === 'warning') return errors + warnings > 0;
  return errors + warnings + info > 0;
}
