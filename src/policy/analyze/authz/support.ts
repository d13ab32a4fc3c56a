// Small helpers the AuthorizationPolicy analyzers share: naming workloads and rules, the witness
// options for a workload (trust domain, accepted issuers), and the ports a rule is about.
import type { Rule } from '../../resources/authorization-policy.js';
import type { Workload } from '../../resources/mesh.js';
import type { AnalysisContext } from '../context.js';
import { issuersOf, type WitnessOptions } from '../witness.js';

export function workloadName(w: Workload): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

export function witnessOptions(ctx: AnalysisContext, w: Workload, extra: Partial<WitnessOptions> = {}): WitnessOptions {
  return { target: w, trustDomain: ctx.trustDomains[0] ?? 'cluster.local', issuers: issuersOf(ctx.requestAuthenticationsFor(w)), ...extra };
}

/** Ports a rule is limited to (every `to` entry names `ports`), or undefined when it is not limited. */
export function rulePorts(rule: Rule): number[] | undefined {
  const to = rule.to ?? [];
  if (to.length === 0) return undefined;
  const out = new Set<number>();
  for (const t of to) {
    const ports = t.operation?.ports;
    if (ports === undefined || ports.length === 0) return undefined;
    for (const p of ports) if (/^\d+$/.test(p)) out.add(Number(p));
  }
  return [...out];
}

/** Ports a rule can apply to on a workload: its `ports`, else every port the workload receives on. */
export function portsInScope(ctx: AnalysisContext, rule: Rule, w: Workload): number[] {
  const limited = rulePorts(rule);
  const notPorts = new Set((rule.to ?? []).flatMap((t) => t.operation?.notPorts ?? []).map(Number));
  return (limited ?? ctx.portsOf(w)).filter((p) => !notPorts.has(p));
}
