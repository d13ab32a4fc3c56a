// The analyzers, run only on the objects a question is about (a proposed policy, the policies of a
// change, one workload) instead of the whole mesh: the AuthorizationPolicy subjects named, the
// Workload subjects named, and the given documents' validation. The rest of the mesh is still read
// (attachments, narrower policies, witnesses), through the engine's per-namespace MeshIndex, so the
// findings are those a full `gic analyze` reports for these subjects, at a fraction of the cost.
import type { AnalysisSnapshot } from '../policy/analyze/analysis-snapshot.js';
import { presentInputs, validateSecurityDocument } from '../policy/analyze/analysis-snapshot.js';
import { ALL_ANALYZERS } from '../policy/analyze/all.js';
import { buildAnalyzeReport, type ReportedFinding } from '../policy/analyze/analyze-report.js';
import type { Analyzer } from '../policy/analyze/analyzer.js';
import { compareFindings, type Finding } from '../policy/analyze/finding.js';
import type { GerritFacts } from '../policy/analyze/gerrit-facts.js';
import { MeshIndex } from '../policy/analyze/mesh-index.js';
import { analyzeSubject, missingInputs } from '../policy/analyze/run-analyzers.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';
import type { Mesh } from '../policy/resources/mesh.js';

export interface FocusedAnalysisInput {
  readonly mesh: Mesh;
  /** Documents whose validation (GIC100/200/300 and document analyzers) is reported. */
  readonly documents?: readonly ParsedDocument[];
  /** `namespace/name` of the AuthorizationPolicies to judge. */
  readonly policies?: ReadonlySet<string>;
  /** `namespace/name` of the workloads to judge. */
  readonly workloads?: ReadonlySet<string>;
  readonly gerrit?: GerritFacts;
  readonly analyzers?: readonly Analyzer[];
  /** The clock expiry findings (GIC125, `policy.gic/expires`) are judged against. */
  readonly now?: Date;
}

export function analyzeFocused(input: FocusedAnalysisInput): ReportedFinding[] {
  const documents = input.documents ?? [];
  const validated = documents.flatMap((d) => {
    const v = validateSecurityDocument(d);
    return v === undefined ? [] : [v];
  });
  const snapshot: AnalysisSnapshot = {
    mesh: input.mesh,
    documents,
    validated,
    istiod: [],
    inputFindings: [],
    present: presentInputs(input.mesh, validated, [], input.gerrit),
    ...(input.gerrit === undefined ? {} : { gerrit: input.gerrit }),
  };
  const index = new MeshIndex(snapshot, { verifyWitnesses: true, ...(input.now !== undefined ? { now: input.now } : {}) });
  const findings: Finding[] = [];
  const policies = input.policies ?? new Set<string>();
  const workloads = input.workloads ?? new Set<string>();
  for (const analyzer of input.analyzers ?? ALL_ANALYZERS) {
    if (missingInputs(analyzer, snapshot).length > 0) continue;
    let subjects: readonly unknown[];
    switch (analyzer.metadata.subject) {
      case 'AuthorizationPolicy':
        subjects = input.mesh.authorizationPolicies.filter((p) => policies.has(`${p.namespace}/${p.name}`));
        break;
      case 'Workload':
        subjects = input.mesh.workloads.filter((w) => workloads.has(`${w.namespace}/${w.name}`));
        break;
      case 'Document':
        subjects = validated;
        break;
      default:
        subjects = [];
    }
    for (const subject of subjects) findings.push(...analyzeSubject(analyzer, index, subject, false).findings);
  }
  return [...buildAnalyzeReport(findings.sort(compareFindings), [], []).findings];
}
