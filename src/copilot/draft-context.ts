// What the model sees of the mesh and Gerrit when drafting (the token budget of issue 12: typical
// tasks on the bench mesh in 4,000 prompt tokens): only the parts the person's words point at. The
// namespaces, workloads, Services, service accounts and groups their text mentions (allowing one typo,
// so the closest real names are on the table), each workload with its ports, its Services and the
// policies that already decide for it, the groups with their descriptions. Nothing else of the mesh
// goes to the model. The rendered text is untrusted data (it quotes the mesh and Gerrit).
import { relevantPolicies, servicesOf } from '../policy/diff/target-proxies.js';
import type { CompiledMesh, ProxyTarget } from '../policy/evaluate/compile-mesh.js';
import type { GerritGroup } from '../policy/resources/group-directory.js';
import { describeRule } from './describe-rule.js';
import { contentWords, mentionsNearly, normaliseText } from './name-mentions.js';

export interface DraftContext {
  readonly namespaces: readonly string[];
  readonly workloads: readonly ProxyTarget[];
  readonly serviceAccounts: readonly string[];
  readonly groups: readonly GerritGroup[];
  /** The text the prompt carries. */
  readonly text: string;
}

export interface DraftContextLimits {
  readonly workloads: number;
  readonly groups: number;
  readonly policiesPerWorkload: number;
  readonly rulesPerPolicy: number;
  readonly ruleChars: number;
  readonly maxChars: number;
}

export const DEFAULT_CONTEXT_LIMITS: DraftContextLimits = { workloads: 6, groups: 6, policiesPerWorkload: 5, rulesPerPolicy: 3, ruleChars: 220, maxChars: 7_000 };

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** Picks the mesh and Gerrit objects `text` points at and renders them for the prompt. */
export function buildDraftContext(text: string, compiled: CompiledMesh, groups: readonly GerritGroup[], limits: DraftContextLimits = DEFAULT_CONTEXT_LIMITS): DraftContext {
  const t = normaliseText(text);
  const mesh = compiled.mesh;
  const namespaces = [...mesh.namespaces.keys()].filter((ns) => mentionsNearly(t, ns)).sort();
  const nsSet = new Set(namespaces);
  const pickedWorkloads: ProxyTarget[] = [];
  const seen = new Set<string>();
  const add = (w: ProxyTarget): void => {
    const key = `${w.namespace}/${w.name}`;
    if (seen.has(key) || w.isWaypoint) return;
    seen.add(key);
    pickedWorkloads.push(w);
  };
  const all = [...compiled.workloads.values()].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  const named = all.filter((w) => mentionsNearly(t, w.name) || mentionsNearly(t, `${w.namespace}/${w.name}`) || servicesOf(compiled, w).some((s) => mentionsNearly(t, s.name)));
  // A workload named in a namespace the text names comes first; a name that exists in many namespaces
  // and none of them is named is listed as candidates (the draft then asks which).
  const inNamedNamespace = named.filter((w) => nsSet.has(w.namespace));
  for (const w of inNamedNamespace) add(w);
  // Same-named workloads elsewhere only matter when the text names no namespace that has one.
  const pickedNames = new Set(inNamedNamespace.map((w) => w.name));
  for (const w of named.filter((w) => !nsSet.has(w.namespace) && !pickedNames.has(w.name))) add(w);
  if (pickedWorkloads.length === 0) for (const w of all.filter((w) => nsSet.has(w.namespace))) add(w);
  const workloads = pickedWorkloads.slice(0, limits.workloads);

  const serviceAccounts = [...new Set(mesh.serviceAccounts.map((s) => `${s.namespace}/${s.name}`).concat(mesh.workloads.map((w) => `${w.namespace}/${w.serviceAccount}`)))]
    .filter((sa) => mentionsNearly(t, sa) || (nsSet.has(sa.split('/')[0] ?? '') && mentionsNearly(t, sa.split('/')[1] ?? '')))
    .sort()
    .slice(0, limits.workloads);

  const words = contentWords(text);
  const scored = groups
    .map((g) => {
      const byName = mentionsNearly(t, g.name) ? 10 : 0;
      const byDescription = [...contentWords(g.description ?? '')].filter((w) => words.has(w)).length;
      return { g, score: byName + byDescription };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || (a.g.name < b.g.name ? -1 : 1));
  const pickedGroups = scored.slice(0, limits.groups).map((x) => x.g);

  const lines: string[] = [];
  lines.push(`namespaces: ${namespaces.length > 0 ? namespaces.join(', ') : '(none mentioned)'}`);
  lines.push('workloads:');
  if (workloads.length === 0) lines.push('- (none mentioned)');
  for (const w of workloads) {
    const ports = [...new Set(w.workload?.containerPorts.map((p) => p.port) ?? [])].join(', ');
    const services = servicesOf(compiled, w).map((s) => `Service ${s.name} ${s.ports.map((p) => `${p.port}->${p.targetPort ?? p.port}`).join(',')}`);
    lines.push(`- ${w.namespace}/${w.name} (${w.isGateway ? 'gateway' : w.dataplane}, service account ${w.serviceAccount}${ports !== '' ? `, ports ${ports}` : ''}${services.length > 0 ? `; ${services.join('; ')}` : ''})`);
    const policies = relevantPolicies(compiled, w).filter((p) => p.namespace === w.namespace);
    for (const p of policies.slice(0, limits.policiesPerWorkload)) {
      const rules = (p.spec.rules ?? []).slice(0, limits.rulesPerPolicy).map((r, i) => `rule ${i}: ${cut(describeRule(r), limits.ruleChars)}`);
      const more = (p.spec.rules ?? []).length > limits.rulesPerPolicy ? ` (+${(p.spec.rules ?? []).length - limits.rulesPerPolicy} more rules)` : '';
      lines.push(`  policy ${p.spec.action ?? 'ALLOW'} ${p.namespace}/${p.name}: ${rules.join(' | ') || 'no rules'}${more}`);
    }
    if (policies.length > limits.policiesPerWorkload) lines.push(`  (+${policies.length - limits.policiesPerWorkload} more policies)`);
  }
  if (serviceAccounts.length > 0) lines.push(`service accounts: ${serviceAccounts.join(', ')}`);
  lines.push('groups (Gerrit):');
  if (pickedGroups.length === 0) lines.push('- (none mentioned)');
  for (const g of pickedGroups) lines.push(`- ${g.name}${g.description !== undefined && g.description !== '' ? `: ${cut(g.description.replace(/\s+/g, ' '), 160)}` : ''}`);
  let rendered = lines.join('\n');
  if (rendered.length > limits.maxChars) rendered = `${rendered.slice(0, limits.maxChars - 40)}\n(... cut to fit the token budget)`;
  return { namespaces, workloads, serviceAccounts, groups: pickedGroups, text: rendered };
}
