// authz.RuleMatchesNothing (GIC114): a rule no request can match: every `from` (or every `to`) entry
// contradicts itself (each value of a field is excluded by its not* field, e.g. paths inside notPaths),
// a `when` condition whose values are all in its notValues, or ports the selected workloads do not
// receive on (when their ports are known).
import { defineAnalyzer } from '../analyzer.js';
import { patternCovers } from '../rule-facts.js';
import { rulePorts } from './support.js';

function contradictory(fields: Readonly<Record<string, readonly string[] | undefined>>): string | undefined {
  for (const [field, values] of Object.entries(fields)) {
    if (field.startsWith('not') || values === undefined || values.length === 0) continue;
    const not = fields[`not${field[0]!.toUpperCase()}${field.slice(1)}`];
    if (not !== undefined && values.every((v) => not.some((n) => patternCovers(n, v)))) return field;
  }
  return undefined;
}

export const ruleMatchesNothing = defineAnalyzer({
  metadata: {
    name: 'authz.RuleMatchesNothing',
    description: 'rules with contradictory fields, or ports the workloads do not expose',
    inputs: ['AuthorizationPolicy'],
    codes: ['GIC114'],
    subject: 'AuthorizationPolicy',
  },
  analyze(ctx, p) {
    const action = p.spec.action ?? 'ALLOW';
    (p.spec.rules ?? []).forEach((rule, r) => {
      const report = (field: string, why: string): void =>
        ctx.report('GIC114', {
          target: p,
          field,
          args: { action, rule: r, why },
          effect: action === 'DENY' ? 'The DENY rule never fires' : 'The rule never matches, so nothing it was meant to allow is allowed by it',
          fix: 'remove the contradicting value, or split the rule into the cases that were meant',
        });
      const from = rule.from ?? [];
      const fromBad = from.map((f) => contradictory((f.source ?? {}) as Readonly<Record<string, readonly string[]>>));
      if (from.length > 0 && fromBad.every((x) => x !== undefined)) {
        report(`spec.rules[${r}].from[0].source.${fromBad[0]}`, `every value of source.${fromBad[0]} is excluded by source.not${fromBad[0]![0]!.toUpperCase()}${fromBad[0]!.slice(1)}`);
        return;
      }
      const to = rule.to ?? [];
      const toBad = to.map((t) => contradictory((t.operation ?? {}) as Readonly<Record<string, readonly string[]>>));
      if (to.length > 0 && toBad.every((x) => x !== undefined)) {
        report(`spec.rules[${r}].to[0].operation.${toBad[0]}`, `every value of operation.${toBad[0]} is excluded by operation.not${toBad[0]![0]!.toUpperCase()}${toBad[0]!.slice(1)}`);
        return;
      }
      const bad = (rule.when ?? []).findIndex((c) => c.values !== undefined && c.values.length > 0 && c.notValues !== undefined && c.values.every((v) => c.notValues!.some((n) => patternCovers(n, v))));
      if (bad >= 0) {
        report(`spec.rules[${r}].when[${bad}]`, `every value of condition ${rule.when![bad]!.key} is in its notValues`);
        return;
      }
      // Unexposed ports matter only for ALLOW rules: a DENY on a port nobody serves (hardening of
      // Envoy's own ports, say) is harmless, and root-namespace policies cover workloads to come.
      const ports = rulePorts(rule);
      if (ports === undefined || ports.length === 0 || action !== 'ALLOW' || p.namespace === ctx.rootNamespace) return;
      const workloads = ctx.workloadsOf(p);
      if (workloads.length === 0) return;
      const exposed = new Set<number>();
      for (const w of workloads) {
        const wp = ctx.portsOf(w);
        if (wp.length === 0 || w.gatewayName !== undefined || w.isWaypoint || /gateway$/.test(w.labels['istio'] ?? '')) return;
        for (const x of wp) exposed.add(x);
      }
      if (ports.some((x) => exposed.has(x))) return;
      // A Service port used instead of the target port is authz.ServicePortInsteadOfTargetPort's finding.
      if (workloads.some((w) => ctx.servicesFor(w).some((s) => s.ports.some((sp) => ports.includes(sp.port))))) return;
      const idx = (rule.to ?? []).findIndex((t) => (t.operation?.ports ?? []).length > 0);
      report(`spec.rules[${r}].to[${idx < 0 ? 0 : idx}].operation.ports`, `ports ${ports.join(', ')} are not ports the selected workloads receive on (${[...exposed].sort((a, b) => a - b).join(', ')})`);
    });
  },
});
