// Intent -> verified proposal (architecture.md "the verification chain", docs/input-errors.md
// "What verified means"). `verified` is true only when every check holds:
//   intent      the intent is valid beyond its schema: methods are HTTP methods, paths request paths,
//               ports 1-65535 (intent-problems.ts)
//   target      the workload, Gateway, waypoint, Service, selector or namespace it names exists in the mesh
//   mesh        the mesh has no input errors (unless the caller accepts them)
//   validation  the YAML passes gic's validation (CRD schema, CEL, istiod's webhook rules)
//   dry-run     the dry-run accepts it: the server's when a cluster is injected (`options.dryRun`), else
//               offline on THIS mesh (offline-admission.ts, as `gic dry-run --offline --mesh` does)
//   diff        the access diff between the mesh and the mesh plus the proposal is non-empty and every
//               change is one the intent asked for (right direction, witness inside the intent)
//   fulfilled   requests built from the intent's subjects and operations decide as the intent says
//   analyzers   no analyzer reports an error on the resulting mesh that it did not report before
// and the Gerrit groups the intent names exist when the caller knows (`options.gerritGroups`); without a
// Gerrit source their existence is unknown (check `gerrit-groups`, ok null) and does not decide.
// Extending an existing policy keeps its file's comments and formatting (extend-policy-text.ts). Pure.
import { ALL_ANALYZERS } from '../analyze/all.js';
import { AnalysisSession } from '../analyze/analysis-session.js';
import type { Analyzer } from '../analyze/analyzer.js';
import type { Finding } from '../analyze/finding.js';
import type { AccessRequest } from '../evaluate/access-request.js';
import { compileMesh, type CompiledMesh } from '../evaluate/compile-mesh.js';
import { evaluateRequest } from '../evaluate/evaluate-request.js';
import { diffCompiled, type DiffChange, type DiffReport } from '../diff/access-diff.js';
import { fieldInfo } from '../diff/match-fields.js';
import { callerIdentity, dimValue, viewRequest } from '../diff/request-view.js';
import type { InputError } from '../parse/input-errors.js';
import { parseMesh } from '../parse/parse-mesh.js';
import { printMesh } from '../parse/print-resource.js';
import type { AuthorizationPolicy, Mesh } from '../resources/mesh.js';
import { offlineAdmission } from '../validate/offline-admission.js';
import { validateSources } from '../validate/validate-sources.js';
import type { ValidateReport } from '../validate/validate-report.js';
import { compileIntent, type CompiledIntent } from './compile-intent.js';
import { extendPolicyText } from './extend-policy-text.js';
import type { Intent, Subject } from './intent.js';
import { intentProblems, intentSamples, targetProblem } from './intent-problems.js';

export interface DryRunResult {
  readonly source: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly accepted: boolean;
  readonly mode: 'server' | 'offline';
  readonly errors: readonly { readonly field: string; readonly message: string }[];
  readonly warnings: readonly { readonly field: string; readonly message: string }[];
}

export interface DryRunReportShape {
  readonly results: readonly DryRunResult[];
}

export type CheckName = 'intent' | 'target' | 'mesh' | 'gerrit-groups' | 'validation' | 'dry-run' | 'diff' | 'fulfilled' | 'analyzers';

/** One step of the verification: passed (true), failed (false) or unknown (null, never deciding). */
export interface VerificationCheck {
  readonly name: CheckName;
  readonly ok: boolean | null;
  readonly detail: string;
}

export interface Proposal {
  readonly yaml: string;
  readonly verified: boolean;
  /** Every check, in the order above; `verified` is true only when none is false. */
  readonly checks: readonly VerificationCheck[];
  readonly validation: ValidateReport;
  readonly dryRun: DryRunReportShape;
  readonly diff: DiffReport;
  readonly unintended: readonly DiffChange[];
  /** Analyzer errors on the resulting mesh that the mesh did not have before. */
  readonly newErrors: readonly Finding[];
  readonly warnings: readonly string[];
  readonly name: string;
  readonly namespace: string;
  readonly extends?: string;
}

export interface ProposeOptions {
  /** A server-side dry-run (the kube adapter); absent: the offline dry-run on the mesh. */
  readonly dryRun?: (yaml: string, validation: ValidateReport) => DryRunReportShape;
  /**
   * The files the mesh was read from: the analyzers run on them (else on the printed mesh), and an
   * extended policy keeps its file's comments and formatting (else it is rendered anew).
   */
  readonly sources?: readonly { readonly file: string; readonly text: string }[];
  /** Gerrit group name -> whether it exists, from a Gerrit source; absent: existence unknown. */
  readonly gerritGroups?: ReadonlyMap<string, boolean>;
  /** The mesh's input errors (readMeshInput); any of them fails the `mesh` check unless accepted. */
  readonly inputErrors?: readonly InputError[];
  readonly acceptInputErrors?: boolean;
  /** Default: every analyzer. */
  readonly analyzers?: readonly Analyzer[];
  /** false: the caller runs the analyzers itself (check `analyzers` is then ok null). Default true. */
  readonly analyze?: boolean;
}

const FILE = 'proposal.yaml';

/** The offline dry-run: gic's validation, the admission a cluster would add (on `mesh`), and the resource applies to the snapshot. */
export function offlineDryRun(validation: ValidateReport, applied: boolean, mesh?: Mesh): DryRunReportShape {
  return {
    results: validation.resources.map((r) => {
      const admission = mesh === undefined || r.errors.length > 0 ? [] : offlineAdmission(mesh, r.namespace);
      const errors = [...r.errors.map((e) => ({ field: e.field, message: e.message })), ...admission, ...(applied ? [] : [{ field: '', message: 'the resource could not be applied to the mesh snapshot' }])];
      return { source: r.source, kind: r.kind, namespace: r.namespace, name: r.name, accepted: errors.length === 0, mode: 'offline' as const, errors, warnings: r.warnings.map((w) => ({ field: w.field, message: w.message })) };
    }),
  };
}

/** The mesh with `policy` applied (replacing a policy of the same namespace and name). */
export function withPolicy(mesh: Mesh, policy: AuthorizationPolicy): Mesh {
  const rest = mesh.authorizationPolicies.filter((p) => !(p.namespace === policy.namespace && p.name === policy.name));
  return { ...mesh, authorizationPolicies: [...rest, policy] };
}

function subjectHolds(s: Subject, request: AccessRequest, compiled: CompiledMesh, intent: Intent): boolean {
  if ('anyone' in s) return true;
  const jwt = typeof request.jwt === 'object' ? request.jwt : undefined;
  if ('authenticatedUser' in s) return jwt !== undefined && typeof jwt.iss === 'string' && typeof jwt.sub === 'string';
  if ('gerritGroup' in s) {
    const claim = intent.groupsClaim ?? 'groups';
    const v = (jwt as Record<string, unknown> | undefined)?.[claim] ?? jwt?.claims?.[claim];
    const want = intent.groupIds?.[s.gerritGroup] ?? s.gerritGroup;
    return typeof v === 'string' ? v === want : Array.isArray(v) && v.includes(want);
  }
  const id = callerIdentity(compiled, request);
  if (id === undefined) return false;
  if ('namespace' in s) return id.namespace === s.namespace;
  return `${id.namespace}/${id.serviceAccount}` === s.serviceAccount;
}

/** Does the intent speak about this request (target, subjects minus `except`, operations, conditions)? */
export function intentCovers(intent: Intent, request: AccessRequest, compiled: CompiledMesh): boolean {
  const t = intent.target;
  if (request.to.namespace !== t.namespace || request.to.workload === undefined) return false;
  const target = compiled.workloads.get(`${request.to.namespace}/${request.to.workload}`);
  if (target === undefined) return false;
  if (t.workload !== undefined && t.workload !== request.to.workload && target.gatewayName !== t.workload) return false;
  if (t.selector !== undefined && !Object.entries(t.selector).every(([k, v]) => target.labels[k] === v)) return false;
  if ((t.gateway ?? t.waypoint) !== undefined && target.gatewayName !== (t.gateway ?? t.waypoint)) return false;
  if (!intent.subjects.some((s) => subjectHolds(s, request, compiled, intent))) return false;
  if ((intent.except ?? []).some((s) => subjectHolds(s, request, compiled, intent))) return false;
  const view = viewRequest(compiled, target, request, new Set(['scope', 'permission']));
  const ops = intent.operations ?? [];
  const test = (field: string, patterns: readonly string[] | undefined): boolean => {
    if (patterns === undefined) return true;
    const info = fieldInfo(field);
    if (info === undefined) return true;
    const v = dimValue(view, info.dim);
    return patterns.some((p) => info.test(p)(v));
  };
  if (ops.length > 0 && !ops.some((o) => test('methods', o.methods) && test('paths', o.paths) && test('hosts', o.hosts) && test('ports', o.ports?.map(String)))) return false;
  for (const c of intent.conditions ?? []) {
    const info = fieldInfo(c.key);
    if (info === undefined) continue;
    const v = dimValue(view, info.dim);
    if (c.values !== undefined && !c.values.some((p) => info.test(p)(v))) return false;
    if (c.notValues !== undefined && c.notValues.some((p) => info.test(p)(v))) return false;
  }
  return true;
}

function intended(intent: Intent, change: DiffChange, after: CompiledMesh): boolean {
  const rightWay = intent.action === 'allow' ? change.after === 'ALLOW' || change.after === 'CONDITIONAL' : change.after === 'DENY';
  return rightWay && intentCovers(intent, change.witness, after);
}

/** The Gerrit groups an intent names (subjects and `except`). */
export function intentGroups(intent: Intent): string[] {
  return [...new Set([...intent.subjects, ...(intent.except ?? [])].flatMap((s) => ('gerritGroup' in s ? [s.gerritGroup] : [])))];
}

export function propose(intent: Intent, mesh: Mesh, options: ProposeOptions = {}): Proposal {
  const checks: VerificationCheck[] = [];
  const check = (name: CheckName, ok: boolean | null, detail: string): void => void checks.push({ name, ok, detail });

  const problems = intentProblems(intent);
  check('intent', problems.length === 0, problems.length === 0 ? 'the intent is valid' : problems.join('; '));
  const missing = targetProblem(intent, mesh);
  check('target', missing === undefined, missing ?? `${intent.target.namespace}/${intent.target.workload ?? intent.target.gateway ?? intent.target.waypoint ?? intent.target.service ?? '(selector)'} exists in the mesh`);
  const inputErrors = options.inputErrors ?? [];
  check('mesh', inputErrors.length === 0 || options.acceptInputErrors === true, inputErrors.length === 0 ? 'the mesh has no input errors' : `the mesh has ${inputErrors.length} input error${inputErrors.length === 1 ? '' : 's'}${options.acceptInputErrors === true ? ' (accepted)' : ''}`);
  const groups = intentGroups(intent);
  if (groups.length > 0) {
    if (options.gerritGroups === undefined) check('gerrit-groups', null, `unknown: no Gerrit source to check ${groups.join(', ')}`);
    else {
      const absent = groups.filter((g) => options.gerritGroups?.get(g) !== true);
      check('gerrit-groups', absent.length === 0, absent.length === 0 ? `${groups.join(', ')} exist in Gerrit` : `no Gerrit group ${absent.join(', ')}`);
    }
  }

  const compiled: CompiledIntent = compileIntent(intent, mesh);
  const yaml = renderProposal(compiled, mesh, options.sources);
  const validation = validateSources([{ file: FILE, text: yaml }]);
  check('validation', validation.summary.errors === 0 && validation.resources.length > 0, validation.summary.errors === 0 ? 'gic validation accepts the policy' : `${validation.summary.errors} validation error(s)`);
  const parsed = parseMesh([{ file: FILE, text: yaml }]);
  const policy = parsed.mesh.authorizationPolicies[0];
  const applied = policy !== undefined;
  const dryRun = options.dryRun !== undefined ? options.dryRun(yaml, validation) : offlineDryRun(validation, applied, mesh);
  const accepted = dryRun.results.length > 0 && dryRun.results.every((r) => r.accepted);
  check('dry-run', accepted, accepted ? `the ${options.dryRun !== undefined ? 'server' : 'offline'} dry-run accepts the policy` : dryRun.results.flatMap((r) => r.errors.map((e) => `${e.field === '' ? '' : `${e.field}: `}${e.message}`)).join('; ') || 'no resource was dry-run');

  const before = compileMesh(mesh);
  const afterMesh = policy !== undefined ? withPolicy(mesh, policy) : mesh;
  const after = compileMesh(afterMesh);
  const diff = diffCompiled(before, after);
  const unintended = diff.changes.filter((c) => !intended(intent, c, after));
  check(
    'diff',
    diff.changes.length > 0 && unintended.length === 0,
    diff.changes.length === 0 ? 'the policy changes no decision: the intent already holds, or the policy cannot take effect' : unintended.length === 0 ? `${diff.changes.length} change(s), all asked for` : `${unintended.length} change(s) the intent did not ask for`,
  );
  check(...fulfilled(intent, afterMesh, after));
  const newErrors = policy === undefined || options.analyze === false ? [] : newAnalyzerErrors(mesh, yaml, options);
  if (options.analyze === false) check('analyzers', null, 'not run here: the caller runs the analyzers');
  else check('analyzers', newErrors.length === 0, newErrors.length === 0 ? 'no new analyzer errors' : newErrors.map((f) => `${f.code}: ${f.message}`).join('; '));

  return {
    yaml,
    verified: checks.every((c) => c.ok !== false),
    checks,
    validation,
    dryRun,
    diff,
    unintended,
    newErrors,
    warnings: compiled.warnings,
    name: compiled.name,
    namespace: compiled.namespace,
    ...(compiled.extends !== undefined ? { extends: compiled.extends } : {}),
  };
}

/** The YAML of the proposal: an extension edits the existing policy's document, comments kept. */
function renderProposal(compiled: CompiledIntent, mesh: Mesh, sources: ProposeOptions['sources']): string {
  if (compiled.extends === undefined || compiled.addedRules === undefined || sources === undefined) return compiled.yaml;
  const existing = mesh.authorizationPolicies.find((p) => `${p.namespace}/${p.name}` === compiled.extends);
  const text = existing === undefined ? undefined : sources.find((s) => s.file === existing.source.file)?.text;
  if (existing === undefined || text === undefined) return compiled.yaml;
  const edited = extendPolicyText(text, existing, compiled.addedRules);
  if (edited === undefined) return compiled.yaml;
  const header = compiled.yaml.slice(0, compiled.yaml.indexOf('\napiVersion:') + 1);
  return header + edited.replace(/^---\n/, '');
}

/** Whether requests built from the intent decide as it says on the mesh with the proposal. */
function fulfilled(intent: Intent, afterMesh: Mesh, after: CompiledMesh): [CheckName, boolean | null, string] {
  if ((intent.conditions ?? []).length > 0) return ['fulfilled', null, 'not checked: the intent has conditions that sample requests cannot stand for'];
  const samples = intentSamples(intent, afterMesh);
  if (samples.length === 0) return ['fulfilled', null, 'not checked: no sample request could be built (no port known for the target)'];
  for (const request of samples) {
    const decision = evaluateRequest(after, request, { trace: false });
    const ok = intent.action === 'allow' ? decision.decision === 'ALLOW' || decision.decision === 'CONDITIONAL' : decision.decision === 'DENY';
    if (!ok) {
      const why = decision.reasons.map((r) => r.message).join('; ');
      return ['fulfilled', false, `${JSON.stringify(request)} is ${decision.decision} with the proposal${why === '' ? '' : ` (${why})`}`];
    }
  }
  return ['fulfilled', true, `${samples.length} sample request(s) decide as the intent says`];
}

function findingKey(f: Finding): string {
  return `${f.code}\0${f.resource?.kind ?? ''}/${f.resource?.namespace ?? ''}/${f.resource?.name ?? ''}\0${f.field}\0${f.message}`;
}

/** Analyzer errors the proposal adds: a session on the mesh, then the proposal upserted. */
function newAnalyzerErrors(mesh: Mesh, yaml: string, options: ProposeOptions): Finding[] {
  const sources = options.sources ?? [{ file: 'mesh.yaml', text: printMesh(mesh) }];
  const session = AnalysisSession.fromSources(sources, options.analyzers ?? ALL_ANALYZERS);
  const before = new Set(session.findings().filter((f) => f.level === 'error').map(findingKey));
  session.upsert({ file: FILE, text: yaml });
  return session.findings().filter((f) => f.level === 'error' && !before.has(findingKey(f)));
}
