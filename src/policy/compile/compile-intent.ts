// Intent -> one AuthorizationPolicy, minimal, deterministic and readable: a stable name derived from
// the intent, a comment stating it, `selector` for sidecar workloads, `targetRefs` for Gateway-API
// gateways, waypoints and (L7 rules on) ambient workloads served by a waypoint. Gerrit groups become a
// `request.auth.claims[<groups claim>]` condition next to `requestPrincipals: ["*"]`; a warning says
// when no RequestAuthentication covers the workload. An existing policy with the same action and
// attachment is extended instead of adding a near-duplicate. Pure: reads the Mesh, returns values.
import { Scalar, stringify } from 'yaml';

import type { AuthorizationPolicySpec, Condition, Rule } from '../resources/authorization-policy.js';
import type { AuthorizationPolicy, Mesh, Workload } from '../resources/mesh.js';
import { EXPIRES_ANNOTATION } from '../resources/expires-annotation.js';
import type { Intent, IntentOperation, Subject } from './intent.js';

export interface CompiledIntent {
  readonly namespace: string;
  readonly name: string;
  /** The AuthorizationPolicy object (apiVersion, kind, metadata, spec). */
  readonly resource: Record<string, unknown>;
  readonly yaml: string;
  /** `namespace/name` of the existing policy this one extends, if any. */
  readonly extends?: string;
  readonly warnings: readonly string[];
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** FNV-1a, 32 bits, hex: a short stable suffix. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 6);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function describeSubject(s: Subject): string {
  if ('gerritGroup' in s) return `group ${s.gerritGroup}`;
  if ('serviceAccount' in s) return `service account ${s.serviceAccount}`;
  if ('namespace' in s) return `namespace ${s.namespace}`;
  if ('authenticatedUser' in s) return 'any authenticated user';
  return 'anyone';
}

function describeOperation(o: IntentOperation): string {
  const parts = [o.methods?.join('/') ?? 'any method', o.paths?.join(', ') ?? 'any path'];
  if (o.ports !== undefined) parts.push(`port ${o.ports.join(', ')}`);
  if (o.hosts !== undefined) parts.push(`host ${o.hosts.join(', ')}`);
  return parts.join(' ');
}

export function describeIntent(intent: Intent): string {
  const t = intent.target;
  const where = t.workload ?? t.gateway ?? t.waypoint ?? t.service ?? (t.selector !== undefined ? Object.entries(t.selector).map(([k, v]) => `${k}=${v}`).join(',') : '(all workloads)');
  const who = intent.subjects.map(describeSubject).join(', ');
  const except = intent.except !== undefined && intent.except.length > 0 ? ` except ${intent.except.map(describeSubject).join(', ')}` : '';
  const ops = intent.operations !== undefined && intent.operations.length > 0 ? intent.operations.map(describeOperation).join('; ') : 'any request';
  const until = intent.expires !== undefined ? ` until ${intent.expires}` : '';
  return `${intent.action} ${who}${except} to ${ops} on ${t.namespace}/${where}${until}`;
}

function isL7(intent: Intent): boolean {
  return (intent.operations ?? []).some((o) => o.methods !== undefined || o.paths !== undefined || o.hosts !== undefined) || intent.subjects.some((s) => 'gerritGroup' in s || 'authenticatedUser' in s);
}

interface Attachment {
  readonly selector?: { matchLabels: Record<string, string> };
  readonly targetRefs?: { group: string; kind: string; name: string }[];
  readonly warnings: string[];
  readonly workload?: Workload;
}

function waypointOf(mesh: Mesh, w: Workload): { service: string } | undefined {
  const ns = mesh.namespaces.get(w.namespace);
  for (const s of mesh.services) {
    if (s.namespace !== w.namespace || s.selector === undefined || Object.keys(s.selector).length === 0) continue;
    if (!Object.entries(s.selector).every(([k, v]) => w.labels[k] === v)) continue;
    const wp = s.labels['istio.io/use-waypoint'] ?? ns?.labels['istio.io/use-waypoint'];
    if (wp !== undefined && wp !== '' && wp !== 'none') return { service: s.name };
  }
  return undefined;
}

function attach(intent: Intent, mesh: Mesh): Attachment {
  const t = intent.target;
  const warnings: string[] = [];
  if (t.gateway !== undefined) return { targetRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: t.gateway }], warnings };
  if (t.waypoint !== undefined) return { targetRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: t.waypoint }], warnings };
  if (t.service !== undefined) return { targetRefs: [{ group: '', kind: 'Service', name: t.service }], warnings };
  if (t.selector !== undefined) return { selector: { matchLabels: { ...t.selector } }, warnings };
  if (t.workload === undefined) return { warnings };
  const w = mesh.workloads.find((x) => x.namespace === t.namespace && x.name === t.workload);
  if (w === undefined) {
    const gw = mesh.gateways.find((g) => g.namespace === t.namespace && g.name === t.workload);
    if (gw !== undefined) return { targetRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: gw.name }], warnings };
    warnings.push(`workload ${t.namespace}/${t.workload} is not in the mesh: selecting it by app=${t.workload}`);
    return { selector: { matchLabels: { app: t.workload } }, warnings };
  }
  if (w.gatewayName !== undefined) return { targetRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: w.gatewayName }], warnings, workload: w };
  if (w.dataplane === 'ambient' && isL7(intent)) {
    const wp = waypointOf(mesh, w);
    if (wp !== undefined) return { targetRefs: [{ group: '', kind: 'Service', name: wp.service }], warnings, workload: w };
    warnings.push(`${t.namespace}/${t.workload} is ambient without a waypoint: ztunnel cannot enforce HTTP attributes (methods, paths, hosts, JWT); enroll it in a waypoint`);
  }
  const labels = w.labels['app'] !== undefined ? { app: w.labels['app'] } : { ...w.labels };
  return { selector: { matchLabels: labels }, warnings, workload: w };
}

function groupValue(intent: Intent, group: string): string {
  return intent.groupIds?.[group] ?? group;
}

/** Rules for the subjects: identities in one rule, JWT groups in another (their `when` is per rule). */
function rulesFor(intent: Intent, trustDomain: string): Rule[] {
  const to = (intent.operations ?? []).map((o) => {
    const op: Record<string, string[]> = {};
    if (o.hosts !== undefined) op['hosts'] = [...o.hosts];
    if (o.ports !== undefined) op['ports'] = o.ports.map(String);
    if (o.methods !== undefined) op['methods'] = [...o.methods];
    if (o.paths !== undefined) op['paths'] = [...o.paths];
    return { operation: op };
  });
  const claim = `request.auth.claims[${intent.groupsClaim ?? 'groups'}]`;
  const except = intent.except ?? [];
  const notSource: Record<string, string[]> = {};
  const notPrincipals = except.filter((s): s is { serviceAccount: string } => 'serviceAccount' in s).map((s) => principal(trustDomain, s.serviceAccount));
  const notNamespaces = except.filter((s): s is { namespace: string } => 'namespace' in s).map((s) => s.namespace);
  if (notPrincipals.length > 0) notSource['notPrincipals'] = notPrincipals;
  if (notNamespaces.length > 0) notSource['notNamespaces'] = notNamespaces;
  if (except.some((s) => 'authenticatedUser' in s)) notSource['notRequestPrincipals'] = ['*'];
  const notGroups = except.filter((s): s is { gerritGroup: string } => 'gerritGroup' in s).map((s) => groupValue(intent, s.gerritGroup));
  const baseWhen: Condition[] = [...(intent.conditions ?? [])];
  if (notGroups.length > 0) baseWhen.push({ key: claim, notValues: notGroups });
  const rule = (from: Record<string, string[]>[] | undefined, when: Condition[]): Rule => {
    const r: Rule = {};
    const sources = from?.map((s) => ({ source: { ...s, ...notSource } }));
    if (sources !== undefined) r.from = sources;
    else if (Object.keys(notSource).length > 0) r.from = [{ source: notSource }];
    if (to.length > 0) r.to = to;
    if (when.length > 0) r.when = when;
    return r;
  };
  const rules: Rule[] = [];
  if (intent.subjects.some((s) => 'anyone' in s)) return [rule(undefined, baseWhen)];
  const principals = intent.subjects.filter((s): s is { serviceAccount: string } => 'serviceAccount' in s).map((s) => principal(trustDomain, s.serviceAccount));
  const namespaces = intent.subjects.filter((s): s is { namespace: string } => 'namespace' in s).map((s) => s.namespace);
  const identity: Record<string, string[]>[] = [];
  if (principals.length > 0) identity.push({ principals });
  if (namespaces.length > 0) identity.push({ namespaces });
  if (intent.subjects.some((s) => 'authenticatedUser' in s)) identity.push({ requestPrincipals: ['*'] });
  if (identity.length > 0) rules.push(rule(identity, baseWhen));
  const groups = intent.subjects.filter((s): s is { gerritGroup: string } => 'gerritGroup' in s).map((s) => groupValue(intent, s.gerritGroup));
  if (groups.length > 0) rules.push(rule([{ requestPrincipals: ['*'] }], [{ key: claim, values: groups }, ...baseWhen]));
  return rules;
}

function principal(trustDomain: string, sa: string): string {
  const [ns, name] = sa.split('/');
  return `${trustDomain}/ns/${ns ?? ''}/sa/${name ?? ''}`;
}

function sameAttachment(p: AuthorizationPolicy, a: Attachment): boolean {
  return canonical(p.spec.selector ?? null) === canonical(a.selector ?? null) && canonical(p.spec.targetRefs ?? (p.spec.targetRef !== undefined ? [p.spec.targetRef] : null)) === canonical(a.targetRefs ?? null);
}

function jwtCovered(mesh: Mesh, intent: Intent, a: Attachment): boolean {
  const root = mesh.meshConfig.rootNamespace;
  return mesh.requestAuthentications.some((r) => {
    if (r.namespace !== root && r.namespace !== intent.target.namespace) return false;
    const refs = r.spec.targetRefs ?? (r.spec.targetRef !== undefined ? [r.spec.targetRef] : []);
    if (a.targetRefs !== undefined) return refs.length === 0 ? r.spec.selector === undefined : canonical(refs) === canonical(a.targetRefs);
    if (refs.length > 0) return false;
    const sel = r.spec.selector?.matchLabels;
    if (sel === undefined) return true;
    const labels = a.workload?.labels ?? a.selector?.matchLabels ?? {};
    return Object.entries(sel).every(([k, v]) => labels[k] === v);
  });
}

function quoted(value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

export function compileIntent(intent: Intent, mesh: Mesh): CompiledIntent {
  const a = attach(intent, mesh);
  const warnings = [...a.warnings];
  const action = intent.action === 'allow' ? 'ALLOW' : 'DENY';
  const rules = rulesFor(intent, mesh.meshConfig.trustDomain);
  const usesJwt = intent.subjects.some((s) => 'gerritGroup' in s || 'authenticatedUser' in s) || (intent.except ?? []).some((s) => 'gerritGroup' in s || 'authenticatedUser' in s);
  if (usesJwt && !jwtCovered(mesh, intent, a)) {
    warnings.push(`no RequestAuthentication covers ${intent.target.namespace}/${intent.target.workload ?? intent.target.gateway ?? intent.target.waypoint ?? intent.target.service ?? '*'}: requests carry no JWT claims there, so the group and user rules match nothing until one is added`);
  }
  if (action === 'DENY' && rules.some((r) => r.to === undefined || r.to.some((t) => t.operation?.ports === undefined))) {
    if (rules.some((r) => (r.to ?? []).some((t) => t.operation?.methods !== undefined || t.operation?.paths !== undefined))) warnings.push('a DENY rule with HTTP fields and no ports also denies all TCP traffic to the workload');
  }
  // A time-bound grant is a policy of its own: its expiry annotation must not take other rules with it.
  const existing = mesh.authorizationPolicies.find(
    (p) => intent.expires === undefined && p.namespace === intent.target.namespace && (p.spec.action ?? 'ALLOW') === action && p.annotations['istio.io/dry-run'] === undefined && sameAttachment(p, a) && (p.spec.rules?.length ?? 0) > 0 && (p.spec.rules?.length ?? 0) < 8 && intent.name === undefined,
  );
  const description = describeIntent(intent);
  let name: string;
  let spec: AuthorizationPolicySpec;
  let extendsRef: string | undefined;
  if (existing !== undefined) {
    name = existing.name;
    const old = existing.spec.rules ?? [];
    const added = rules.filter((r) => !old.some((o) => canonical(o) === canonical(r)));
    spec = { ...existing.spec, rules: [...old, ...added] };
    extendsRef = `${existing.namespace}/${existing.name}`;
  } else {
    const where = intent.target.workload ?? intent.target.gateway ?? intent.target.waypoint ?? intent.target.service ?? (intent.target.selector !== undefined ? Object.values(intent.target.selector).join('-') : 'all');
    const who = intent.subjects.map((s) => ('gerritGroup' in s ? s.gerritGroup : 'serviceAccount' in s ? (s.serviceAccount.split('/')[1] ?? '') : 'namespace' in s ? s.namespace : 'authenticatedUser' in s ? 'users' : 'anyone')).join('-');
    const base = slug(`${intent.action}-${where}-${who}`).slice(0, 55).replace(/-+$/, '');
    name = intent.name ?? `${base}-${hash(canonical(intent))}`;
    spec = {};
    if (a.selector !== undefined) spec.selector = a.selector;
    if (a.targetRefs !== undefined) spec.targetRefs = a.targetRefs;
    spec.action = action;
    spec.rules = rules;
  }
  const metadata = { name, namespace: intent.target.namespace, ...(intent.expires !== undefined ? { annotations: { [EXPIRES_ANNOTATION]: intent.expires } } : {}) };
  const resource = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata, spec };
  const header = `# gic intent: ${description}${extendsRef !== undefined ? `\n# extends the existing policy ${extendsRef}` : ''}\n`;
  // The expiry is quoted: unquoted, YAML 1.1 readers (kubectl's) would take it for a timestamp, not a string.
  const printed = intent.expires === undefined ? resource : { ...resource, metadata: { ...metadata, annotations: { [EXPIRES_ANNOTATION]: quoted(intent.expires) } } };
  const yaml = header + stringify(printed, { lineWidth: 0, aliasDuplicateObjects: false });
  return { namespace: intent.target.namespace, name, resource, yaml, ...(extendsRef !== undefined ? { extends: extendsRef } : {}), warnings };
}
