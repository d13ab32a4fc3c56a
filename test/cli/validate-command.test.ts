// `gic validate` through the real binary: exit codes (0 clean, 3 findings, 4 unreadable, 2 usage),
// the cli.md JSON shape, malformed YAML reported as a finding with file and line, human output.
import { describe, expect, it } from 'vitest';

import { jsonOf, runGic } from './run-gic.js';

interface Issue {
  rule: string;
  field: string;
  line: number;
  message: string;
}
interface Report {
  resources: { source: string; apiVersion: string; kind: string; namespace: string; name: string; errors: Issue[]; warnings: Issue[] }[];
  summary: { resources: number; errors: number; warnings: number };
}

describe('gic validate', () => {
  it('exits 0 with the cli.md shape for a valid policy', async () => {
    const run = await runGic(['validate', 'test/cli/fixtures/policies/valid-policy.yaml', '-o', 'json']);
    expect(run.code).toBe(0);
    const report = jsonOf(run) as Report;
    expect(Object.keys(report).sort()).toEqual(['resources', 'summary']);
    expect(report.summary).toEqual({ resources: 1, errors: 0, warnings: 0 });
    expect(report.resources[0]).toEqual({
      source: 'test/cli/fixtures/policies/valid-policy.yaml:2',
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      namespace: 'foo',
      name: 'httpbin-get',
      errors: [],
      warnings: [],
    });
  });

  it('exits 3 and names the field and line of each error, reading a directory in name order', async () => {
    const run = await runGic(['validate', 'test/cli/fixtures/policies', '-o', 'json']);
    expect(run.code).toBe(3);
    const report = jsonOf(run) as Report;
    expect(report.resources.map((r) => r.source)).toEqual([
      'test/cli/fixtures/policies/invalid-policy.yaml:2',
      'test/cli/fixtures/policies/valid-policy.yaml:2',
    ]);
    const errors = report.resources[0]?.errors ?? [];
    expect(errors.map((e) => [e.field, e.line])).toEqual([
      ['spec.rules[0].to[0].operation.ports[0]', 17],
      ['spec.rules[0].to[0].operation.verbs', 18],
    ]);
    expect(report.summary).toEqual({ resources: 2, errors: 2, warnings: 0 });
  });

  it('reports malformed YAML as a yaml.syntax finding with file and line (exit 3, not 4)', async () => {
    const run = await runGic(['validate', 'test/cli/fixtures/malformed.yaml', '-o', 'json']);
    expect(run.code).toBe(3);
    const report = jsonOf(run) as Report;
    const finding = report.resources[0];
    expect(finding?.source).toMatch(/^test\/cli\/fixtures\/malformed\.yaml:\d+$/);
    expect(finding?.errors[0]?.rule).toBe('yaml.syntax');
    expect(finding?.errors[0]?.line).toBeGreaterThanOrEqual(10);
    expect(finding?.errors[0]?.line).toBeLessThanOrEqual(11);
  });

  it('exits 4 naming the path and reason when a file is missing', async () => {
    const run = await runGic(['validate', 'test/cli/fixtures/policies/valid-policy.yaml', 'test/cli/fixtures/no-such-file.yaml', '-o', 'json']);
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('test/cli/fixtures/no-such-file.yaml');
    expect(run.stderr).toContain('no such file or directory');
  });

  it('exits 2 without a path, and on an unknown flag or output format', async () => {
    expect((await runGic(['validate', '-o', 'json'])).code).toBe(2);
    expect((await runGic(['validate', '--frobnicate', 'x.yaml'])).code).toBe(2);
    const format = await runGic(['validate', 'test/cli/fixtures/policies', '-o', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unsupported output format "yaml"');
  });

  it('prints problems with their level, field, line and rule in the human format', async () => {
    const run = await runGic(['validate', 'test/cli/fixtures/policies/invalid-policy.yaml', '-o', 'human']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('AuthorizationPolicy foo/httpbin-bad');
    expect(run.stdout).toMatch(/error +spec\.rules\[0\]\.to\[0\]\.operation\.ports\[0\], line 17: .*\[authz\.operation\.bad-port\]/);
    expect(run.stdout).toContain('FAIL: 1 resource, 2 errors, 0 warnings');
  });

  it('defaults to JSON when stdout is not a terminal', async () => {
    const run = await runGic(['validate', 'test/cli/fixtures/policies/valid-policy.yaml']);
    expect(run.code).toBe(0);
    expect((jsonOf(run) as Report).summary.resources).toBe(1);
  });
});
