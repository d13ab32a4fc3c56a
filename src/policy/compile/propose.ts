// Intent -> verified proposal (architecture.md "the verification chain"): compile, validate the YAML
// (validateSources: CRD schema + istiod rules), dry-run it (offline here: validation plus a simulated
// apply to the snapshot; a server dry-run is injected through `options.dryRun` by callers that have a
// cluster), then diff the mesh against the mesh plus the proposal. Every change must be one the intent
// asked for (right direction, witness inside the intent); anything else is `unintended`, and the
// proposal is `verified` only when validation and dry-run accept it and nothing is unintended.
import type { AccessRequest } from '../evaluate/access-request.js';
import { compileMesh, type CompiledMesh } from '../evaluate/compile-mesh.js';
import { diffCompiled, type DiffChange, type DiffReport } from '../diff/access-diff.js';
import { fieldInfo } from '../diff/match-fields.js';
import { callerIdentity, dimValue, viewRequest } from '../diff/request-view.js';
import { parseMesh } from '../parse/parse-mesh.js';
import type { AuthorizationPolicy, Mesh } from '../resources/mesh.js';
import { validateSources } from '../validate/validate-sources.js';
import type { ValidateReport } from '../validate/validate-report.js';
import { compileIntent, type CompiledIntent } from './compile-intent.js';
import type { Intent, Subject } from './intent.js';

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

export interface Proposal {
  readonly yaml: string;
  readonly verified: boolean;
  readonly validation: ValidateReport;
  readonly dryRun: DryRunReportShape;
  readonly diff: DiffReport;
  readonly unintended: readonly DiffChange[];
  readonly warnings: readonly string[];
  readonly name: string;
  readonly namespace: string;
  readonly extends?: string;
}

export interface ProposeOptions {
  /** A server-side dry-run (the kube adapter); absent: the offline dry-run. */
  readonly dryRun?: (yaml: string, validation: ValidateReport) => DryRunReportShape;
}

const FILE = 'proposal.yaml';

/** The offline dry-run: gic's validation, and the resource applies to the snapshot. */
export function offlineDryRun(validation: ValidateReport, applied: boolean): DryRunReportShape {
  return {
    results: validation.resources.map((r) => ({
      source: r.source,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      accepted: r.errors.length === 0 && applied,
      mode: 'offline' as const,
      errors: [...r.errors.map((e) => ({ field: e.field, message: e.message })), ...(applied ? [] : [{ field: '', message: 'the resource could not be applied to the mesh snapshot' }])],
      warnings: r.warnings.map((w) => ({ field: w.field, message: w.message })),
    })),
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

export function propose(intent: Intent, mesh: Mesh, options: ProposeOptions = {}): Proposal {
  const compiled: CompiledIntent = compileIntent(intent, mesh);
  const validation = validateSources([{ file: FILE, text: compiled.yaml }]);
  const parsed = parseMesh([{ file: FILE, text: compiled.yaml }]);
  const policy = parsed.mesh.authorizationPolicies[0];
  const applied = policy !== undefined;
  const dryRun = options.dryRun !== undefined ? options.dryRun(compiled.yaml, validation) : offlineDryRun(validation, applied);
  const before = compileMesh(mesh);
  const afterMesh = policy !== undefined ? withPolicy(mesh, policy) : mesh;
  const after = compileMesh(afterMesh);
  const diff = diffCompiled(before, after);
  const unintended = diff.changes.filter((c) => !intended(intent, c, after));
  const accepted = validation.summary.errors === 0 && dryRun.results.length > 0 && dryRun.results.every((r) => r.accepted);
  return {
    yaml: compiled.yaml,
    verified: accepted && applied && unintended.length === 0,
    validation,
    dryRun,
    diff,
    unintended,
    warnings: compiled.warnings,
    name: compiled.name,
    namespace: compiled.namespace,
    ...(compiled.extends !== undefined ? { extends: compiled.extends } : {}),
  };
}
