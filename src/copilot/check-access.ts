// Would this request be allowed? The `gic check` answer for one request, against the copilot's mesh
// (docs/cli.md "gic check"): the decision, protocol, reasons and trace, plus the mesh's input errors
// (docs/input-errors.md), which the front-ends must lead with and never present as a usable answer. A
// bad request is AppError `bad-request` naming the fields; a workload the mesh does not have is
// `not-found`. Pure computation on the current snapshot (compiled once per snapshot).
import { AppError } from '../errors.js';
import type { AccessRequest } from '../policy/evaluate/access-request.js';
import type { CompiledMesh } from '../policy/evaluate/compile-mesh.js';
import type { Decision } from '../policy/evaluate/decision.js';
import { evaluateRequest } from '../policy/evaluate/evaluate-request.js';
import type { InputError } from '../policy/parse/input-errors.js';
import { checkRequestNames } from '../policy/request/check-request-names.js';
import { describeRequestProblems, readAccessRequest } from '../policy/request/read-access-request.js';
import type { Mesh } from '../policy/resources/mesh.js';
import { compiledMeshOf } from './compiled-mesh-cache.js';
import type { CopilotDeps } from './deps.js';
import { requireMesh } from './require-deps.js';

export interface CheckAccessInput {
  /** A request in the `gic check` shape (JSON value, validated here). */
  readonly request: unknown;
  /** Include the evaluation trace (default true). */
  readonly trace?: boolean;
}

export interface CheckAccessResult {
  readonly decision: Decision['decision'];
  readonly protocol: Decision['protocol'];
  readonly provider?: string;
  readonly reasons: Decision['reasons'];
  readonly trace?: Decision['trace'];
  /** The mesh's input errors: when non-empty the decision is not usable (docs/input-errors.md). */
  readonly inputErrors: readonly InputError[];
  /** The mesh the answer was computed on. */
  readonly mesh: { readonly origin: string; readonly resourceVersion: string };
}

/** Reads and name-checks a request against the compiled mesh; throws `bad-request` or `not-found`. */
export function readCheckedRequest(mesh: Mesh, value: unknown): { request: AccessRequest; compiled: CompiledMesh } {
  const reading = readAccessRequest(value);
  if (!reading.ok) throw new AppError('bad-request', describeRequestProblems('request', reading.problems), { details: { fields: reading.problems.map((p) => p.field) } });
  const compiled = compiledMeshOf(mesh);
  const named = checkRequestNames(compiled, reading.request);
  if (!named.ok) throw new AppError(named.code, `request: ${named.message}`, { details: { fields: [named.field] } });
  return { request: named.request, compiled };
}

export function checkAccess(deps: CopilotDeps, input: CheckAccessInput): CheckAccessResult {
  const view = requireMesh(deps);
  const snapshot = view.snapshot();
  const { request, compiled } = readCheckedRequest(snapshot.mesh, input.request);
  const withTrace = input.trace !== false;
  const decision = evaluateRequest(compiled, request, { trace: withTrace });
  return {
    decision: decision.decision,
    protocol: decision.protocol,
    ...(decision.provider !== undefined ? { provider: decision.provider } : {}),
    reasons: decision.reasons,
    ...(withTrace ? { trace: decision.trace } : {}),
    inputErrors: snapshot.inputErrors,
    mesh: { origin: view.origin, resourceVersion: snapshot.resourceVersion },
  };
}
