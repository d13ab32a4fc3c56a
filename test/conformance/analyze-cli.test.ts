// `gic analyze` end to end (the real bin/gic.js in a child process): the cli.md JSON shape, SARIF 2.1.0
// with rules from the catalog (described in words, helpUri at the docs anchor) and file/line locations,
// human text whose witness commands run as printed, --now for time-bound grants, --failure-threshold / exit 3,
// --output-threshold, usage errors (exit 2), unreadable input (exit 4), malformed YAML as a finding.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { MESSAGES } from '../../src/policy/analyze/messages.js';
import { jsonOf, REPO_ROOT, runGic } from '../cli/run-gic.js';

const fixture = (name: string): string => `test/fixtures/istio/analyze/${name}`;
const tmp = mkdtempSync(join(tmpdir(), 'gic-analyze-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface JsonFinding {
  code: string;
  level: string;
  resource: { kind: string; namespace: string; name: string } | null;
  field: string;
  source: string;
  message: string;
  refs: string[];
  fix?: string;
  witness?: { request: unknown; decision: string };
}

describe('gic analyze', () => {
  it('prints the cli.md JSON shape and exits 3 on errors (default failure threshold)', async () => {
    const run = await runGic(['analyze', '--mesh', fixture('authz-references.yaml'), '-o', 'json']);
    expect(run.code).toBe(3);
    const report = jsonOf(run) as { findings: JsonFinding[]; summary: { errors: number } };
    const ghost = report.findings.find((f) => f.code === 'GIC102');
    expect(ghost).toMatchObject({
      level: 'error',
      resource: { kind: 'AuthorizationPolicy', namespace: 'foo', name: 'allow-from-ghost' },
      field: 'spec.rules[0].from[0].source.namespaces[1]',
      refs: ['IST0101', 'KIA0101'],
    });
    expect(ghost?.source).toMatch(/authz-references\.yaml:\d+$/);
    expect(report.summary.errors).toBeGreaterThan(0);
    for (const f of report.findings) expect(Object.keys(f).slice(0, 7)).toEqual(['code', 'level', 'resource', 'field', 'source', 'message', 'refs']);
  });

  it('exits 0 on a clean mesh, and 3 with --failure-threshold info when an info finding exists', async () => {
    const clean = await runGic(['analyze', '--mesh', fixture('clean-mesh.yaml'), '-o', 'json']);
    expect(clean.code).toBe(0);
    const strict = await runGic(['analyze', '--mesh', fixture('clean-mesh.yaml'), '-o', 'json', '--failure-threshold', 'info']);
    expect(strict.code).toBe(3);
    const warn = await runGic(['analyze', '--mesh', fixture('clean-mesh.yaml'), '--failure-threshold', 'warning', '-o', 'json']);
    expect(warn.code).toBe(0);
  });

  it('--output-threshold hides lower levels but the failure threshold still sees them', async () => {
    const run = await runGic(['analyze', '--mesh', fixture('authz-structure.yaml'), '-o', 'json', '--output-threshold', 'warning', '--failure-threshold', 'info']);
    expect(run.code).toBe(3);
    const report = jsonOf(run) as { findings: JsonFinding[]; summary: { info: number } };
    expect(report.findings.map((f) => f.level)).not.toContain('info');
    expect(report.summary.info).toBeGreaterThan(0);
  });

  it('writes SARIF 2.1.0 with the catalog as rules and file/line locations', async () => {
    const run = await runGic(['analyze', '--mesh', fixture('authz-values.yaml'), '-o', 'sarif']);
    expect(run.code).toBe(3);
    const sarif = jsonOf(run) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string; helpUri: string; fullDescription: { text: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const [r] = sarif.runs;
    expect(r?.tool.driver.name).toBe('gic');
    expect(r?.tool.driver.rules.map((x) => x.id)).toEqual(expect.arrayContaining(Object.keys(MESSAGES)));
    expect(r?.results.length).toBeGreaterThan(5);
    for (const rule of r?.tool.driver.rules ?? []) {
      if (!(rule.id in MESSAGES)) continue;
      expect(rule.helpUri).toBe(`https://github.com/gic/gic/blob/main/docs/analyzers.md#${rule.id.toLowerCase()}`);
      expect(rule.fullDescription.text).not.toMatch(/\{[A-Za-z]+\}/);
    }
    for (const res of r?.results ?? []) {
      expect(r?.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      expect(['error', 'warning', 'note']).toContain(res.level);
      expect(res.locations[0]?.physicalLocation.artifactLocation.uri).toBe(fixture('authz-values.yaml'));
      expect(res.locations[0]?.physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    // The mechanical fix of the lower-case method, as a SARIF fix that rewrites exactly the value.
    const withFixes = (r?.results ?? []) as unknown as { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[]; fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent: { text: string } }[] }[] }[] }[];
    const method = withFixes.find((x) => x.ruleId === 'GIC104' && x.fixes !== undefined);
    const change = method?.fixes?.[0]?.artifactChanges[0];
    expect(change?.artifactLocation.uri).toBe(fixture('authz-values.yaml'));
    const region = change?.replacements[0]?.deletedRegion;
    expect(region?.startLine).toBe(method?.locations[0]?.physicalLocation.region.startLine);
    const line = readFileSync(fixture('authz-values.yaml'), 'utf8').split('\n')[(region?.startLine ?? 1) - 1] ?? '';
    expect(line.slice((region?.startColumn ?? 1) - 1, (region?.endColumn ?? 1) - 1).toUpperCase()).toBe(change?.replacements[0]?.insertedContent.text.toUpperCase());
    expect(change?.replacements[0]?.insertedContent.text).toMatch(/GET/);
    expect(withFixes.filter((x) => x.fixes !== undefined).every((x) => ['GIC104', 'GIC105', 'GIC118', 'GIC100'].includes(x.ruleId))).toBe(true);
  });

  it('prints human text with the fix, the docs link and the level the witness proves', async () => {
    const run = await runGic(['analyze', '--mesh', fixture('authz-protocols.yaml'), '-o', 'human']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/INFO\s+GIC107 AuthorizationPolicy plain\/web-from-client/);
    expect(run.stdout).toMatch(/ERROR\s+GIC107 AuthorizationPolicy plain\/shared-not-client/);
    expect(run.stdout).toContain('fix: ');
    expect(run.stdout).toContain('docs: docs/analyzers.md#gic107');
    expect(run.stdout).toMatch(/^FAIL: \d+ errors?, \d+ warnings?, \d+ info$/m);
  });

  it('prints witness commands that run as printed, on the analyzed mesh, and get the decision shown', async () => {
    // Two --mesh paths, one with a space and a quote in its name: the command must quote them.
    const dir = join(tmp, "mesh dir's");
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(fixture('authz-protocols.yaml'), 'utf8');
    const cut = text.indexOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: data');
    writeFileSync(join(dir, 'part-1.yaml'), text.slice(0, cut));
    writeFileSync(join(tmp, 'part-2.yaml'), text.slice(cut));
    const run = await runGic(['analyze', '--mesh', dir, join(tmp, 'part-2.yaml'), '-o', 'human']);
    const lines = run.stdout.split('\n');
    const witnesses = lines.flatMap((line, i) => {
      const m = /^ {2}witness \((\w+)\): /.exec(line);
      return m === null ? [] : [{ decision: m[1]!, command: lines[i + 1]!.trim() }];
    });
    expect(witnesses.length).toBeGreaterThan(10);
    // A sample across codes and decisions (each command is a process start).
    const sample = [...new Map(witnesses.map((w) => [w.decision, w])).values(), ...witnesses.slice(0, 2)];
    for (const w of sample) {
      expect(w.command).toMatch(/^gic check --mesh '.+mesh dir'\\''s' --mesh \S+part-2\.yaml --request '\{"to":/);
      const shell = spawnSync('sh', ['-c', `gic() { node "${join(REPO_ROOT, 'bin', 'gic.js')}" "$@"; }\n${w.command} -o json`], { encoding: 'utf8' });
      expect(shell.stderr).toBe('');
      expect((JSON.parse(shell.stdout) as { decision: string }).decision, w.command).toBe(w.decision);
    }
  });

  it('judges time-bound grants at --now, and rejects a malformed --now (exit 2)', async () => {
    const at = async (now: string): Promise<string[]> => {
      const run = await runGic(['analyze', '--mesh', fixture('authz-structure.yaml'), '-o', 'json', '--now', now]);
      return (jsonOf(run) as { findings: JsonFinding[] }).findings.filter((f) => f.code === 'GIC125').map((f) => f.resource?.name ?? '');
    };
    expect(await at('2026-01-01T00:00:00Z')).toEqual(['reports-until-friday']);
    expect((await at('2026-02-01T00:00:00Z')).sort()).toEqual(['reports-until-friday', 'reports-until-january']);
    expect((await runGic(['analyze', '--mesh', fixture('authz-structure.yaml'), '--now', 'tomorrow'])).code).toBe(2);
  });

  it('reports malformed YAML as a finding with its line (exit 3, not 4)', async () => {
    const file = join(tmp, 'broken.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: foo\n');
    const run = await runGic(['analyze', '--mesh', file, '-o', 'json']);
    expect(run.code).toBe(3);
    const report = jsonOf(run) as { findings: JsonFinding[] };
    expect(report.findings[0]).toMatchObject({ code: 'GIC600', rule: 'yaml.syntax', level: 'error' });
    expect(report.findings[0]?.source).toMatch(/broken\.yaml:\d+$/);
  });

  it('exits 2 on usage errors and 4 on unreadable input', async () => {
    expect((await runGic(['analyze', '-o', 'json'])).code).toBe(2);
    expect((await runGic(['analyze', '--mesh', fixture('clean-mesh.yaml'), '--failure-threshold', 'fatal'])).code).toBe(2);
    expect((await runGic(['analyze', '--mesh', join(tmp, 'missing-dir')])).code).toBe(4);
  });
});
