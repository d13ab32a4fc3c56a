// `gic analyze -o json` (docs/cli.md): the findings of the analyzers plus the input problems that
// prevented reading part of the mesh, each in the finding shape: input errors (malformed YAML, unknown
// kinds, fields the API server would refuse: docs/input-errors.md) as GIC600 at error level with the
// input rule id in `rule`, input warnings (duplicate objects) with their rule id as code; and the input
// errors themselves under `inputErrors`. Thresholds: `failed` says whether any finding is at or above
// the failure threshold; the output threshold filters what is listed. Pure.
import type { MechanicalEdit } from '../fix/mechanical-edit.js';
import { collectInputErrors, type InputError } from '../parse/input-errors.js';
import type { MeshFinding } from '../parse/mesh-finding.js';
import { MESH_RULES } from '../parse/mesh-finding.js';
import type { AnalysisOptions } from './analysis-options.js';
import { type AnalysisSnapshot, type AnalysisSource, buildAnalysisSnapshot } from './analysis-snapshot.js';
import type { GerritFacts } from './gerrit-facts.js';
import type { Analyzer } from './analyzer.js';
import { ALL_ANALYZERS } from './all.js';
import type { Finding, Witness } from './finding.js';
import { docsOf, type Level, LEVEL_RANK, MESSAGES, renderMessage } from './messages.js';
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
  /** GIC600 only: the input rule (`yaml.syntax`, `mesh.unknown-kind`, ...). */
  readonly rule?: string;
  readonly fix?: string;
  /** The fix as an edit of the document, when it is mechanical (src/policy/fix). */
  readonly edit?: MechanicalEdit;
  readonly docs?: string;
  readonly witness?: Witness;
}

export interface AnalyzeReport {
  readonly findings: readonly ReportedFinding[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly info: number };
  readonly skipped: readonly SkippedAnalyzer[];
  /** Analyzer failures (gic bugs) on single resources; present only when there are some. */
  readonly failures?: readonly string[];
  /** What could not be read as a cluster would read it (docs/input-errors.md); present when computed. */
  readonly inputErrors?: readonly InputError[];
}

/** The catalog code of an input error that no analyzer reports in more detail. */
export const INPUT_ERROR_CODE = 'GIC600';

/** Input errors from reading the files (`yaml.*`) or building the mesh (`mesh.*`); validation's own are GIC100/200/300. */
function isReadingError(e: InputError): boolean {
  return e.rule.startsWith('yaml.') || e.rule.startsWith('mesh.');
}

function fromInputError(e: InputError): ReportedFinding {
  return {
    code: INPUT_ERROR_CODE,
    level: MESSAGES.GIC600.level,
    resource: null,
    field: e.field,
    source: `${e.file}:${e.line}`,
    message: renderMessage('GIC600', { detail: e.message }),
    refs: [],
    line: e.line,
    rule: e.rule,
    docs: docsOf('GIC600'),
  };
}

export interface AnalyzeOptions extends AnalysisOptions {
  readonly analyzers?: readonly Analyzer[];
  /** Findings below this level are left out of the report (default info: all). */
  readonly outputThreshold?: Level;
  readonly gerrit?: GerritFacts;
}

function fromFinding(f: Finding): ReportedFinding {
  return { code: f.code, level: f.level, resource: f.resource, field: f.field, source: f.source, message: f.message, refs: f.refs, line: f.line, fix: f.fix, ...(f.edit === undefined ? {} : { edit: f.edit }), docs: f.docs, ...(f.witness === undefined ? {} : { witness: f.witness }) };
}

function fromInput(f: MeshFinding): ReportedFinding {
  return { code: f.rule, level: f.level, resource: f.resource ?? null, field: f.field ?? '', source: `${f.file}:${f.line}`, message: f.message, refs: [], line: f.line };
}

export function buildAnalyzeReport(findings: readonly Finding[], inputFindings: readonly MeshFinding[], skipped: readonly SkippedAnalyzer[], outputThreshold: Level = 'info', failures: readonly string[] = [], inputErrors?: readonly InputError[]): AnalyzeReport {
  // Schema-invalid policies are GIC100/200/300 findings already; the other input findings stay. With
  // the input errors given, error-level input findings become GIC600 findings (one per input error).
  const input =
    inputErrors === undefined
      ? inputFindings.filter((f) => f.rule !== MESH_RULES.invalidPolicy).map(fromInput)
      : [...inputFindings.filter((f) => f.level !== 'error').map(fromInput), ...inputErrors.filter(isReadingError).map(fromInputError)];
  const all = [...input, ...findings.map(fromFinding)];
  const summary = { errors: 0, warnings: 0, info: 0 };
  for (const f of all) {
    if (f.level === 'error') summary.errors++;
    else if (f.level === 'warning') summary.warnings++;
    else summary.info++;
  }
  return {
    findings: all.filter((f) => LEVEL_RANK[f.level] >= LEVEL_RANK[outputThreshold]),
    summary,
    skipped,
    ...(failures.length === 0 ? {} : { failures }),
    ...(inputErrors === undefined ? {} : { inputErrors }),
  };
}

/** Parses, analyzes and reports in one call. */
export function analyzeSources(sources: readonly AnalysisSource[], options: AnalyzeOptions = {}): AnalyzeReport {
  return analyzeSnapshot(buildAnalysisSnapshot(sources, options.gerrit), options, sources.map((s) => s.file));
}

/** Analyzes a snapshot and reports, with its input errors (`files`: the source order, for sorting them). */
export function analyzeSnapshot(snapshot: AnalysisSnapshot, options: AnalyzeOptions = {}, files: readonly string[] = []): AnalyzeReport {
  const result = runAnalyzers(snapshot, options.analyzers ?? ALL_ANALYZERS, options);
  const inputErrors = collectInputErrors(snapshot.inputFindings, snapshot.validated.map((v) => v.result), files);
  return buildAnalyzeReport(result.findings, snapshot.inputFindings, result.skipped, options.outputThreshold, result.failures, inputErrors);
}

/** Whether any finding (listed or not) is at or above the threshold. */
export function failsAt(report: AnalyzeReport, threshold: Level): boolean {
  const { errors, warnings, info } = report.summary;
  if (threshold === 'error') return errors > 0;
  if (threshold === 'warning') return errors + warnings > 0;
  return errors + warnings + info > 0;
}
