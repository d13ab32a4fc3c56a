// What makes a schema-valid intent unusable (propose.ts checks `intent` and `target`), and the sample
// requests its subjects and operations stand for (check `fulfilled`):
// - methods are HTTP methods as Istio matches them (case-sensitive: GET, not get; `*` allowed), the
//   same list as the GIC104 analyzer; paths are request paths (`/...`) or Istio's `*` patterns
//   (`*`, `*.html`); ports 1-65535;
// - the target exists: a workload or Gateway of that name, a Gateway for `gateway`/`waypoint`, a
//   Service, a workload the selector matches, or, with none of them, a namespace with workloads.
// Pure.
import type { AccessRequest } from '../evaluate/access-request.js';
import type { Mesh, Workload } from '../resources/mesh.js';
import type { Intent, Subject } from './intent.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

export function intentProblems(intent: Intent): string[] {
  const problems: string[] = [];
  (intent.operations ?? []).forEach((op, i) => {
    for (const m of op.methods ?? []) {
      if (m === '*' || METHODS.includes(m)) continue;
      const upper = m.toUpperCase();
      problems.push(`operations[${i}].methods: "${m}" is not an HTTP method${METHODS.includes(upper) ? ` (Istio matches methods case-sensitively: write "${upper}")` : ` (use one of ${METHODS.join(', ')}; gRPC calls are POST)`}`);
    }
    for (const p of op.paths ?? []) {
      if (p.startsWith('/') || p.startsWith('*')) continue;
      problems.push(`operations[${i}].paths: "${p}" is not a request path: paths start with "/" (e.g. "/${p}")`);
    }
    for (const port of op.ports ?? []) {
      const n = Number(port);
      if (!(Number.isInteger(n) && n >= 1 && n <= 65535)) problems.push(`operations[${i}].ports: ${String(port)} is not a port (1-65535)`);
    }
  });
  return problems;
}

/** Why the target does not exist in the mesh, or undefined when it does. */
export function targetProblem(intent: Intent, mesh: Mesh): string | undefined {
  const t = intent.target;
  const ns = t.namespace;
  const inNamespace = mesh.workloads.filter((w) => w.namespace === ns);
  if (t.workload !== undefined) {
    if (inNamespace.some((w) => w.name === t.workload) || mesh.gateways.some((g) => g.namespace === ns && g.name === t.workload)) return undefined;
    return `no workload ${ns}/${t.workload} in the mesh`;
  }
  const gateway = t.gateway ?? t.waypoint;
  if (gateway !== undefined) {
    return mesh.gateways.some((g) => g.namespace === ns && g.name === gateway) ? undefined : `no Gateway ${ns}/${gateway} in the mesh`;
  }
  if (t.service !== undefined) return mesh.services.some((s) => s.namespace === ns && s.name === t.service) ? undefined : `no Service ${ns}/${t.service} in the mesh`;
  if (t.selector !== undefined) {
    const selector = t.selector;
    return inNamespace.some((w) => Object.entries(selector).every(([k, v]) => w.labels[k] === v)) ? undefined : `no workload in namespace ${ns} has the labels ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',')}`;
  }
  return inNamespace.length > 0 || mesh.namespaces.has(ns) ? undefined : `no namespace ${ns} in the mesh`;
}

/** The workload a target stands for in sample requests (the first that matches), or a Gateway name. */
function sampleTarget(intent: Intent, mesh: Mesh): { workload: string; ports: readonly number[] } | undefined {
  const t = intent.target;
  const inNamespace = mesh.workloads.filter((w) => w.namespace === t.namespace);
  const portsOf = (w: Workload): number[] => [...new Set(w.containerPorts.map((p) => p.port))];
  if (t.workload !== undefined) {
    const w = inNamespace.find((x) => x.name === t.workload);
    return w !== undefined ? { workload: w.name, ports: portsOf(w) } : { workload: t.workload, ports: [] };
  }
  const gateway = t.gateway ?? t.waypoint;
  if (gateway !== undefined) {
    const w = inNamespace.find((x) => x.gatewayName === gateway);
    return w !== undefined ? { workload: w.name, ports: portsOf(w) } : { workload: gateway, ports: [] };
  }
  const service = t.service === undefined ? undefined : mesh.services.find((s) => s.namespace === t.namespace && s.name === t.service);
  const selector = t.selector ?? service?.selector;
  if (t.service !== undefined && selector === undefined) return undefined;
  const w = inNamespace.find((x) => selector === undefined || Object.entries(selector).every(([k, v]) => x.labels[k] === v));
  return w === undefined ? undefined : { workload: w.name, ports: portsOf(w) };
}

/**
 * A token the mesh would accept on the target workload: the first jwtRule of a RequestAuthentication
 * that covers it (one selecting it in its namespace first, then its namespace-wide one, then the root
 * namespace's), with an audience that rule accepts and sent where the rule reads tokens (its first
 * `fromHeaders` header or `fromParams` parameter; else the Authorization header).
 */
function sampleToken(intent: Intent, mesh: Mesh, workload: string): { iss: string; aud?: string; header?: string; param?: string } {
  const root = mesh.meshConfig.rootNamespace;
  const labels = mesh.workloads.find((w) => w.namespace === intent.target.namespace && w.name === workload)?.labels;
  const selects = (r: Mesh['requestAuthentications'][number]): boolean => {
    const match = r.spec.selector?.matchLabels;
    return match !== undefined && labels !== undefined && Object.entries(match).every(([k, v]) => labels[k] === v);
  };
  const wide = (r: Mesh['requestAuthentications'][number]): boolean => r.spec.selector?.matchLabels === undefined;
  const ranked = [
    ...mesh.requestAuthentications.filter((r) => r.namespace === intent.target.namespace && selects(r)),
    ...mesh.requestAuthentications.filter((r) => r.namespace === intent.target.namespace && wide(r)),
    ...mesh.requestAuthentications.filter((r) => r.namespace === root && r.namespace !== intent.target.namespace && (wide(r) || selects(r))),
  ];
  for (const r of ranked) {
    const rule = r.spec.jwtRules?.find((j) => typeof j.issuer === 'string' && j.issuer !== '');
    if (rule?.issuer === undefined) continue;
    const aud = rule.audiences?.find((a) => typeof a === 'string' && a !== '');
    const header = rule.fromHeaders?.[0]?.name;
    const param = header === undefined ? rule.fromParams?.[0] : undefined;
    return { iss: rule.issuer, ...(aud !== undefined ? { aud } : {}), ...(header !== undefined ? { header } : {}), ...(param !== undefined ? { param } : {}) };
  }
  return { iss: 'https://issuer.gic.invalid' };
}

/** Requests the intent speaks about: each subject times each operation, on the target's port. */
export function intentSamples(intent: Intent, mesh: Mesh): AccessRequest[] {
  const target = sampleTarget(intent, mesh);
  if (target === undefined) return [];
  const td = mesh.meshConfig.trustDomain;
  const out: AccessRequest[] = [];
  const operations = intent.operations !== undefined && intent.operations.length > 0 ? intent.operations : [{}];
  for (const s of intent.subjects) {
    for (const op of operations) {
      const port = op.ports !== undefined && op.ports.length > 0 ? Number(op.ports[0]) : target.ports[0];
      if (port === undefined) continue;
      const http = op.methods !== undefined || op.paths !== undefined || op.hosts !== undefined || 'gerritGroup' in s || 'authenticatedUser' in s;
      const request: { -readonly [K in keyof AccessRequest]: AccessRequest[K] } = {
        to: { namespace: intent.target.namespace, workload: target.workload, port, ...(http ? { protocol: 'http' as const } : {}) },
        ...(http ? { method: pick(op.methods, 'GET'), path: samplePath(op.paths?.[0]) } : {}),
        ...(op.hosts !== undefined && op.hosts[0] !== undefined ? { host: op.hosts[0].replace(/\*/g, 'x') } : {}),
      };
      Object.assign(request, sampleCaller(s, intent, mesh, td, target.workload));
      out.push(request);
    }
  }
  return out;
}

function pick(values: readonly string[] | undefined, fallback: string): string {
  const first = values?.find((v) => v !== '*');
  return first ?? fallback;
}

function samplePath(pattern: string | undefined): string {
  if (pattern === undefined || pattern === '*') return '/';
  const path = pattern.replace(/\*/g, 'x');
  return path.startsWith('/') ? path : `/${path}`;
}

function sampleCaller(s: Subject, intent: Intent, mesh: Mesh, td: string, workload: string): Partial<AccessRequest> {
  const somePeer = { principal: `${td}/ns/gic-sample/sa/gic-sample` };
  if ('serviceAccount' in s) return { from: { principal: `${td}/ns/${s.serviceAccount.replace('/', '/sa/')}` } };
  if ('namespace' in s) return { from: { principal: `${td}/ns/${s.namespace}/sa/default` } };
  if ('gerritGroup' in s) {
    const value = intent.groupIds?.[s.gerritGroup] ?? s.gerritGroup;
    return { from: somePeer, jwt: { ...sampleToken(intent, mesh, workload), sub: 'gic-sample', claims: { [intent.groupsClaim ?? 'groups']: [value] } } };
  }
  if ('authenticatedUser' in s) return { from: somePeer, jwt: { ...sampleToken(intent, mesh, workload), sub: 'gic-sample' } };
  return { from: somePeer };
}
