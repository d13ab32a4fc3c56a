// Does a request lie in a diff change's class? Reads the change's `match` exactly as the diff wrote
// it (one ALLOW rule over the request's values, plus the `protocols`, `token` and `also` extensions),
// resolving `from`, the protocol and the path as evaluateRequest does against `compiled` (the mesh
// the request is sent to; `from.workload` callers are resolved there). Requests the proxy rejects
// before any policy (400), requests the workload cannot receive (a port it does not expose, a protocol
// its Service does not declare for that port: target-structure.ts) and ad-hoc targets (`to.labels`)
// are in no class.
import type { AccessRequest } from '../evaluate/access-request.js';
import type { CompiledMesh } from '../evaluate/compile-mesh.js';
import type { DiffChange } from './class-diff.js';
import type { DiffMatch } from './diff-match.js';
import { fieldInfo } from './match-fields.js';
import { OTHER_LOCATION } from './request-space.js';
import { ALWAYS_SPLIT_CLAIMS, dimValue, type RequestView, viewRequest } from './request-view.js';
import { canReceive, exposureOf } from './target-structure.js';

function fieldHolds(view: RequestView, field: string, values: readonly string[] | undefined, notValues: readonly string[] | undefined): boolean {
  const info = fieldInfo(field);
  if (info === undefined) return false;
  const v = dimValue(view, info.dim);
  if (values !== undefined && !values.some((p) => info.test(p)(v))) return false;
  if (notValues !== undefined && notValues.some((p) => info.test(p)(v))) return false;
  return true;
}

function partHolds(view: RequestView, part: Readonly<Record<string, readonly string[]>> | undefined): boolean {
  for (const [k, vs] of Object.entries(part ?? {})) {
    const negative = /^not[A-Z]/.test(k);
    const field = negative ? `${k[3]?.toLowerCase() ?? ''}${k.slice(4)}` : k;
    if (!fieldHolds(view, field, negative ? undefined : vs, negative ? vs : undefined)) return false;
  }
  return true;
}

/** The match, read against a request view. */
function matchHolds(match: DiffMatch, view: RequestView): boolean {
  if (view.rejected) return false;
  if (match.protocols !== undefined && !match.protocols.includes(view.protocol)) return false;
  if (match.token !== undefined) {
    let token = view.token;
    if (token?.startsWith('valid@') === true && !match.token.readBy.includes(token.slice('valid@'.length))) token = `valid@${OTHER_LOCATION}`;
    if (token === undefined || !match.token.in.includes(token)) return false;
  }
  if (match.ports !== undefined && !fieldHolds(view, 'ports', match.ports, undefined)) return false;
  if (!partHolds(view, match.from) || !partHolds(view, match.to)) return false;
  for (const c of match.when) if (!fieldHolds(view, c.key, c.values, c.notValues)) return false;
  for (const a of match.also ?? []) if (!fieldHolds(view, a.field, a.values, undefined)) return false;
  return true;
}

/** Claims split on whitespace for `compiled`'s RequestAuthentications (scope, permission, spaceDelimitedClaims). */
export function splitClaimsOf(compiled: CompiledMesh): Set<string> {
  const out = new Set(ALWAYS_SPLIT_CLAIMS);
  for (const ra of compiled.mesh.requestAuthentications) for (const r of ra.spec.jwtRules ?? []) for (const c of r?.spaceDelimitedClaims ?? []) out.add(c);
  return out;
}

export function classContains(change: Pick<DiffChange, 'workload' | 'match'>, request: AccessRequest, compiled: CompiledMesh): boolean {
  const to = request.to;
  if (to.workload === undefined || to.namespace !== change.workload.namespace || to.workload !== change.workload.name) return false;
  const target = compiled.workloads.get(`${to.namespace}/${to.workload}`);
  if (target === undefined) return false;
  const view = viewRequest(compiled, target, request, splitClaimsOf(compiled));
  if (!canReceive(exposureOf(compiled, target), view.port, view.protocol)) return false;
  return matchHolds(change.match, view);
}
