// Meta-tests of the analyzer catalog (istio TestAnalyzersInAll, TestAnalyzersHaveUniqueNames,
// TestAnalyzersHaveDescription): every catalog code has an analyzer and a golden fixture, analyzer names
// are unique, well-formed and sorted in all.ts, codes are never renumbered or reused, and a realistic
// clean mesh yields nothing above info.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALL_ANALYZERS } from '../../src/policy/analyze/all.js';
import { analyzeSources } from '../../src/policy/analyze/analyze-report.js';
import { buildAnalysisSnapshot } from '../../src/policy/analyze/analysis-snapshot.js';
import { defineAnalyzer } from '../../src/policy/analyze/analyzer.js';
import { MESSAGES, RETIRED_CODES } from '../../src/policy/analyze/messages.js';
import { runAnalyzers } from '../../src/policy/analyze/run-analyzers.js';
import { ANALYZE_FIXTURES } from './analyze-fixture-files.js';

/** Every code ever published, with its title: a code may be added, never renumbered or reused. */
const PUBLISHED: Readonly<Record<string, string>> = {
  GIC100: 'AuthorizationPolicyInvalid', GIC101: 'AuthorizationPolicyValidationWarning', GIC102: 'SourceNamespaceNotFound',
  GIC103: 'PolicyAppliesToNoWorkload', GIC104: 'InvalidHttpMethod', GIC105: 'HostMismatch', GIC106: 'UnknownPrincipal',
  GIC107: 'IdentityFieldsWithPlaintext', GIC108: 'HttpFieldsOnTcpPort', GIC109: 'JwtFieldsWithoutRequestAuthentication',
  GIC110: 'RequestPrincipalMismatch', GIC111: 'LiteralWildcard', GIC112: 'AllowNothing', GIC113: 'IneffectiveRule',
  GIC114: 'RuleMatchesNothing', GIC115: 'SplitRule', GIC116: 'UnknownCustomProvider', GIC117: 'PolicyIgnoredByDataplane',
  GIC118: 'ServicePortInsteadOfTargetPort', GIC119: 'OverBroadGrant', GIC120: 'DryRun', GIC121: 'AuditWithoutProvider',
  GIC122: 'UncoveredWorkload', GIC123: 'ProbesDeniedByDefaultDeny', GIC124: 'PathNormalizationBypass', GIC125: 'TimeBoundGrantExpired',
  GIC200: 'PeerAuthenticationInvalid', GIC201: 'ConflictingPeerAuthentication', GIC202: 'PeerAuthenticationSelectsNothing',
  GIC203: 'PortLevelMtlsUnknownPort', GIC204: 'RootNamespaceSelector', GIC300: 'RequestAuthenticationInvalid',
  GIC301: 'RequestAuthenticationSelectsNothing', GIC302: 'TokenNotRequired', GIC303: 'DuplicateIssuer',
  GIC304: 'JwksFetchUnrestricted', GIC500: 'GerritGroupNotFound', GIC501: 'GerritGroupEmpty', GIC502: 'GerritRoleDrift',
};

/** Codes whose analyzer needs a Gerrit source: covered by analyze-gerrit.test.ts, not by the YAML fixtures. */
const GERRIT_CODES = new Set(['GIC500', 'GIC501', 'GIC502']);

const fixtureText = readdirSync(ANALYZE_FIXTURES).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(ANALYZE_FIXTURES, f), 'utf8')).join('\n');
const codes = Object.keys(MESSAGES);

describe('analyzer catalog', () => {
  it('never renumbers or reuses a published code', () => {
    for (const [code, title] of Object.entries(PUBLISHED)) {
      if (RETIRED_CODES.includes(code)) expect(MESSAGES).not.toHaveProperty(code);
      else expect(MESSAGES[code as keyof typeof MESSAGES].title).toBe(title);
    }
    for (const code of codes) expect(PUBLISHED).toHaveProperty(code);
  });

  it('uses GIC### codes outside the reserved GIC000-GIC099, with levels and well-formed refs', () => {
    for (const code of codes) {
      expect(code).toMatch(/^GIC\d{3}$/);
      expect(Number(code.slice(3))).toBeGreaterThanOrEqual(100);
      const entry = MESSAGES[code as keyof typeof MESSAGES];
      expect(['error', 'warning', 'info']).toContain(entry.level);
      for (const ref of entry.refs) expect(ref).toMatch(/^(IST|KIA)\d{4}$/);
    }
  });

  it('has an analyzer for every code and no analyzer reports an unknown code', () => {
    const reported = new Set(ALL_ANALYZERS.flatMap((a) => a.metadata.codes));
    for (const code of codes) expect(reported, code).toContain(code);
    for (const code of reported) expect(codes).toContain(code);
  });

  it('has a golden fixture expecting every code an analyzer reports', () => {
    for (const a of ALL_ANALYZERS) {
      for (const code of a.metadata.codes) {
        if (GERRIT_CODES.has(code)) continue;
        expect(fixtureText, `${a.metadata.name} ${code}`).toMatch(new RegExp(`^# Expected:.*\\b${code}\\b`, 'm'));
      }
    }
  });

  it('names analyzers <area>.<PascalName>, uniquely, with descriptions, sorted in all.ts', () => {
    const names = ALL_ANALYZERS.map((a) => a.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    for (const a of ALL_ANALYZERS) {
      expect(a.metadata.name).toMatch(/^[a-z]+\.[A-Z][A-Za-z0-9]+$/);
      expect(a.metadata.description.length).toBeGreaterThan(15);
      expect(a.metadata.inputs.length).toBeGreaterThan(0);
    }
    expect(names).toEqual([...names].sort());
  });

  it('keeps the other findings when one analyzer fails on one resource, and names the failure', () => {
    const broken = defineAnalyzer({
      metadata: { name: 'test.Broken', description: 'throws on the policy named boom', inputs: ['AuthorizationPolicy'], codes: [], subject: 'AuthorizationPolicy' },
      analyze(_ctx, p) {
        if (p.name === 'boom') throw new Error('analyzer bug');
      },
    });
    const text = readFileSync(join(ANALYZE_FIXTURES, 'authz-structure.yaml'), 'utf8') + '\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: boom, namespace: shop}\nspec: {action: AUDIT, rules: [{}]}\n';
    const snapshot = buildAnalysisSnapshot([{ file: 'x.yaml', text }]);
    const result = runAnalyzers(snapshot, [...ALL_ANALYZERS, broken]);
    expect(result.failures).toEqual(['AuthorizationPolicy/shop/boom: test.Broken: analyzer bug']);
    expect(result.findings.filter((f) => f.resource.name === 'boom').map((f) => f.code)).toEqual(['GIC121']);
  });

  it('finds nothing above info in a realistic, correctly configured mesh', () => {
    const report = analyzeSources([{ file: 'clean-mesh.yaml', text: readFileSync(join(ANALYZE_FIXTURES, 'clean-mesh.yaml'), 'utf8') }]);
    expect(report.findings.filter((f) => f.level !== 'info')).toEqual([]);
    expect(report.skipped.map((s) => s.name)).toEqual(['gerrit.GroupMapping']); // no Gerrit source here
  });
});
