// The names a request uses, checked against the mesh before it is evaluated (docs/cli.md "gic check"):
// `to.workload` and `from.workload` must exist (a workload, or for `to` a Gateway that stands for its
// generated pods), or the request is not-found (exit 4): evaluating an empty stand-in would answer
// about a workload nobody has. A request without `to.port` gets the workload's only port; a workload
// with several (or none, or a target whose ports gic does not know) needs `to.port` (exit 2): gic never
// evaluates "no port". Pure.
import type { AccessRequest } from '../evaluate/access-request.js';
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import { closest } from '../parse/near-miss.js';

export type NameCheck =
  | { readonly ok: true; readonly request: AccessRequest }
  | { readonly ok: false; readonly code: 'not-found' | 'bad-request'; readonly field: string; readonly message: string };

export function checkRequestNames(compiled: CompiledMesh, request: AccessRequest): NameCheck {
  const to = request.to;
  let target: ProxyTarget | undefined;
  if (to.workload !== undefined) {
    target = compiled.workloadsByNamespace.get(to.namespace)?.get(to.workload);
    if (target === undefined && !compiled.gateways.has(`${to.namespace}/${to.workload}`)) return notFound(compiled, 'to.workload', to.namespace, to.workload);
  }
  const from = request.from as { readonly namespace?: string; readonly workload?: string } | undefined;
  if (from?.workload !== undefined && compiled.workloadsByNamespace.get(from.namespace ?? '')?.get(from.workload) === undefined) {
    return notFound(compiled, 'from.workload', from.namespace ?? '', from.workload);
  }
  if (to.port !== undefined) return { ok: true, request };
  const ports = target?.workload?.containerPorts.map((p) => p.port);
  const distinct = [...new Set(ports ?? [])].sort((a, b) => a - b);
  if (distinct.length === 1) return { ok: true, request: { ...request, to: { ...to, port: distinct[0]! } } };
  const what = to.workload !== undefined ? `workload ${to.namespace}/${to.workload}` : 'the target';
  const why =
    ports === undefined
      ? `gic does not know the ports of ${what}`
      : distinct.length === 0
        ? `${what} declares no container ports`
        : `${what} listens on ${distinct.length} ports (${distinct.join(', ')})`;
  return { ok: false, code: 'bad-request', field: 'to.port', message: `to.port is missing and ${why}: give to.port` };
}

function notFound(compiled: CompiledMesh, field: string, namespace: string, name: string): NameCheck {
  const inNamespace = compiled.workloadsByNamespace.get(namespace);
  let hint = '';
  if (inNamespace === undefined) {
    const near = closest(namespace, [...compiled.workloadsByNamespace.keys()]);
    hint = near === undefined ? `; the mesh has no workloads in namespace ${namespace}` : `; no workloads in namespace ${namespace} (did you mean namespace ${near}?)`;
  } else {
    const near = closest(name, [...inNamespace.keys()]);
    if (near !== undefined) hint = ` (did you mean ${namespace}/${near}?)`;
  }
  return { ok: false, code: 'not-found', field, message: `${field} ${namespace}/${name} is not a workload of the mesh${hint}` };
}
