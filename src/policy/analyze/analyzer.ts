// The analyzer contract (istio pkg/config/analysis `Analyzer`): metadata (name `<area>.<PascalName>`,
// description, the inputs it reads, the codes it reports, the kind of subject it judges) and
// `analyze(ctx, subject)`, which reads only the immutable snapshot through `ctx` and reports through it.
// One call judges one subject (a policy, a workload, a validated document), so results can be kept per
// subject and recomputed only for subjects whose inputs changed. Analyzers do no I/O and keep no state.
import type { AuthorizationPolicy, Mesh, PeerAuthentication, RequestAuthentication, Workload } from '../resources/mesh.js';
import type { AnalysisContext } from './context.js';
import type { InputKind } from './input-kind.js';
import type { Code } from './messages.js';
import type { ValidatedDocument } from './analysis-snapshot.js';

export interface SubjectTypes {
  readonly AuthorizationPolicy: AuthorizationPolicy;
  readonly PeerAuthentication: PeerAuthentication;
  readonly RequestAuthentication: RequestAuthentication;
  readonly Workload: Workload;
  readonly Document: ValidatedDocument;
  /** The whole mesh, judged at once (analyses that compare the mesh with an outside source). */
  readonly Mesh: Mesh;
}
export type SubjectKind = keyof SubjectTypes;

export interface AnalyzerMetadata<S extends SubjectKind = SubjectKind> {
  /** `<area>.<PascalName>`, unique. */
  readonly name: string;
  readonly description: string;
  readonly inputs: readonly InputKind[];
  readonly codes: readonly Code[];
  readonly subject: S;
}

export interface Analyzer<S extends SubjectKind = SubjectKind> {
  readonly metadata: AnalyzerMetadata<S>;
  analyze(ctx: AnalysisContext, subject: SubjectTypes[S]): void;
}

/** Identity function that keeps the subject type (A2 `defineTool`). */
export function defineAnalyzer<S extends SubjectKind>(analyzer: Analyzer<S>): Analyzer<S> {
  return analyzer;
}
