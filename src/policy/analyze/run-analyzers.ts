// Runs analyzers over a snapshot (istio `CombinedAnalyzer`): only analyzers whose declared inputs all
// exist in the snapshot run (others are listed as skipped with the missing inputs), each over every
// subject of its kind. Results are kept per (analyzer, subject) with the dependency keys the subject's
// analysis read, which is what AnalysisSession uses to recompute only affected subjects.
import type { AnalysisOptions } from './analysis-options.js';
import type { AnalysisSnapshot, ValidatedDocument } from './analysis-snapshot.js';
import type { Analyzer, SubjectKind, SubjectTypes } from './analyzer.js';
import { AnalysisContext, IGNORED_READS } from './context.js';
import type { InputKind } from './input-kind.js';
import { compareFindings, type Finding } from './finding.js';
import { MeshIndex } from './mesh-index.js';

export interface SkippedAnalyzer {
  readonly name: string;
  readonly missing: readonly InputKind[];
}

export interface SubjectResult {
  readonly findings: readonly Finding[];
  /** Dependency keys read while judging the subject. */
  readonly reads: readonly string[];
  /** An analyzer bug hit on this subject: its findings for the subject are lost, the others stand. */
  readonly failure?: string;
}

export interface AnalysisResult {
  readonly findings: readonly Finding[];
  /** Analyzer failures (bugs), one per analyzer and subject. */
  readonly failures: readonly string[];
  readonly skipped: readonly SkippedAnalyzer[];
  readonly analyzers: readonly string[];
}

export function missingInputs(analyzer: Analyzer, snapshot: AnalysisSnapshot): InputKind[] {
  return analyzer.metadata.inputs.filter((i) => !snapshot.present.has(i));
}

/** Subjects of one kind with their stable ids. */
export function subjectsOf<S extends SubjectKind>(kind: S, snapshot: AnalysisSnapshot): Array<[string, SubjectTypes[S]]> {
  const mesh = snapshot.mesh;
  const named = <T extends { readonly kind: string; readonly namespace: string; readonly name: string }>(list: readonly T[]): Array<[string, T]> =>
    list.map((o) => [`${o.kind}/${o.namespace}/${o.name}`, o]);
  switch (kind) {
    case 'AuthorizationPolicy':
      return named(mesh.authorizationPolicies) as Array<[string, SubjectTypes[S]]>;
    case 'PeerAuthentication':
      return named(mesh.peerAuthentications) as Array<[string, SubjectTypes[S]]>;
    case 'RequestAuthentication':
      return named(mesh.requestAuthentications) as Array<[string, SubjectTypes[S]]>;
    case 'Workload':
      return named(mesh.workloads) as Array<[string, SubjectTypes[S]]>;
    case 'Mesh':
      return [['Mesh', mesh]] as Array<[string, SubjectTypes[S]]>;
    default:
      return snapshot.validated.map((v: ValidatedDocument) => [documentSubjectId(v), v]) as Array<[string, SubjectTypes[S]]>;
  }
}

export function documentSubjectId(v: ValidatedDocument): string {
  return `${v.ref.kind}/${v.ref.namespace}/${v.ref.name}@${v.doc.file}#${v.doc.index}`;
}

const NO_READS: readonly string[] = [];

/**
 * Judges one subject with one analyzer. `trackReads` false (a one-off full run) records no dependency
 * keys: the result's `reads` is then empty.
 */
export function analyzeSubject(analyzer: Analyzer, index: MeshIndex, subject: unknown, trackReads = true): SubjectResult {
  const reads = trackReads ? new Set<string>() : IGNORED_READS;
  const ctx = new AnalysisContext(index, reads);
  try {
    (analyzer as Analyzer<SubjectKind>).analyze(ctx, subject as never);
  } catch (error) {
    // One analyzer tripping on one odd resource must not take the whole analysis down.
    return { findings: [], reads: trackReads ? [...reads] : NO_READS, failure: `${analyzer.metadata.name}: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { findings: ctx.findings, reads: trackReads ? [...reads] : NO_READS };
}

/** Runs every applicable analyzer over the whole snapshot. */
export function runAnalyzers(snapshot: AnalysisSnapshot, analyzers: readonly Analyzer[], options: AnalysisOptions = {}): AnalysisResult {
  const index = new MeshIndex(snapshot, options);
  index.compileWhole = true;
  const findings: Finding[] = [];
  const skipped: SkippedAnalyzer[] = [];
  const ran: string[] = [];
  const failures: string[] = [];
  for (const analyzer of analyzers) {
    const missing = missingInputs(analyzer, snapshot);
    if (missing.length > 0) {
      skipped.push({ name: analyzer.metadata.name, missing });
      continue;
    }
    ran.push(analyzer.metadata.name);
    for (const [id, subject] of subjectsOf(analyzer.metadata.subject, snapshot)) {
      const r = analyzeSubject(analyzer, index, subject, false);
      for (const f of r.findings) findings.push(f);
      if (r.failure !== undefined) failures.push(`${id}: ${r.failure}`);
    }
  }
  return { findings: findings.sort(compareFindings), failures, skipped, analyzers: ran };
}
