// Fail closed (docs/cli.md, docs/input-errors.md) through the real binary: a mesh with input errors (a
// DENY policy the API server rejects, a misspelled kind, a file that does not parse) never yields a
// usable-looking answer: check, diff, analyze, propose and dry-run list `inputErrors` (file, line, field,
// rule, message), lead their human output with them and exit 3; `--allow-input-errors` accepts them
// (exit as usual, the key still present).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from './run-gic.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gic-fail-closed-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const MESH = 'test/cli/fixtures/mesh';
const BROKEN = 'test/cli/fixtures/input-errors/deny-with-typo.yaml';
const ADMIN = JSON.stringify({ to: { namespace: 'foo', workload: 'httpbin', port: 8000 }, from: { namespace: 'bar', workload: 'sleep' }, method: 'GET', path: '/api/admin' });

interface InputError {
  file: string;
  line: number;
  field: string;
  rule: string;
  message: string;
}

function expectTheErrors(errors: InputError[]): void {
  expect(errors.map((e) => `${e.file}:${e.line} ${e.rule} ${e.field}`)).toEqual([
    `${BROKEN}:15 authz.operation.empty spec.rules[0].to[0].operation`,
    `${BROKEN}:16 crd.unknown-field spec.rules[0].to[0].operation.path`,
    `${BROKEN}:19 mesh.unknown-kind kind`,
  ]);
}

describe('fail closed on input errors', () => {
  it('check: a dropped DENY does not turn into a usable ALLOW: the answer carries inputErrors and exits 3', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--mesh', BROKEN, '--request', ADMIN, '-o', 'json']);
    expect(run.code).toBe(3);
    const result = jsonOf(run) as { decision: string; inputErrors: InputError[] };
    expect(result.decision).toBe('ALLOW');
    expectTheErrors(result.inputErrors);
    expect(run.stderr).toContain('3 input errors');
  });

  it('check: the human output leads with the input errors', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--mesh', BROKEN, '--request', ADMIN, '-o', 'human']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^INPUT ERRORS \(3\): the answer below leaves these out and must not be used/);
    expect(run.stdout).toContain(`  ${BROKEN}:19 kind: no matches for kind "Deploymnet" in version "apps/v1": did you mean Deployment?`);
    expect(run.stdout.indexOf('INPUT ERRORS')).toBeLessThan(run.stdout.indexOf('ALLOW (http)'));
  });

  it('check --requests: the first line lists the input errors, then every result, exit 3; accepted: exit 0', async () => {
    const args = ['check', '--mesh', MESH, '--mesh', BROKEN, '--requests', '-', '-o', 'jsonl'];
    const run = await runGic(args, { stdin: `${ADMIN}\n` });
    expect(run.code).toBe(3);
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(lines[0]!)).toEqual(['inputErrors']);
    expect(lines[1]).toMatchObject({ line: 1, decision: 'ALLOW' });
    const accepted = await runGic([...args, '--allow-input-errors'], { stdin: `${ADMIN}\n` });
    expect(accepted.code).toBe(0);
    expect(accepted.stdout.split('\n')[0]).toContain('"inputErrors"');
  });

  it('diff: inputErrors of either mesh, exit 3; accepted: exit 0 with the key', async () => {
    const run = await runGic(['diff', '--before', MESH, '--after', MESH, '--after', BROKEN, '-o', 'json']);
    expect(run.code).toBe(3);
    expectTheErrors((jsonOf(run) as { inputErrors: InputError[] }).inputErrors);
    const accepted = await runGic(['diff', '--before', MESH, '--after', MESH, '--after', BROKEN, '-o', 'json', '--allow-input-errors']);
    expect(accepted.code).toBe(0);
    expect((jsonOf(accepted) as { inputErrors: InputError[]; changes: unknown[] }).inputErrors).toHaveLength(3);
    const clean = await runGic(['diff', '--before', MESH, '--after', MESH, '-o', 'json']);
    expect(clean.code).toBe(0);
    expect((jsonOf(clean) as { inputErrors: unknown[] }).inputErrors).toEqual([]);
  });

  it('analyze: every input error is an error-level finding (GIC600 for the misspelled kind), exit 3', async () => {
    const run = await runGic(['analyze', '--mesh', MESH, '--mesh', BROKEN, '-o', 'json']);
    expect(run.code).toBe(3);
    const report = jsonOf(run) as { findings: { code: string; level: string; rule?: string; source: string; docs?: string }[]; inputErrors: InputError[] };
    expectTheErrors(report.inputErrors);
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'GIC600', level: 'error', rule: 'mesh.unknown-kind', source: `${BROKEN}:19`, docs: 'docs/analyzers.md#gic600' }));
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'GIC100', level: 'error' }));
  });

  it('analyze --allow-input-errors: GIC600 findings stay listed but no longer decide the exit code', async () => {
    const typo = 'test/cli/fixtures/input-errors/kind-typo.yaml';
    const clean = 'test/fixtures/istio/analyze/clean-mesh.yaml';
    const run = await runGic(['analyze', '--mesh', clean, '--mesh', typo, '-o', 'json', '--allow-input-errors']);
    const report = jsonOf(run) as { findings: { code: string }[]; inputErrors: InputError[] };
    expect(report.inputErrors).toHaveLength(1);
    expect(report.findings.map((f) => f.code)).toContain('GIC600');
    expect(run.code).toBe(0);
    expect((await runGic(['analyze', '--mesh', clean, '--mesh', typo, '-o', 'json'])).code).toBe(3);
  });

  it('propose: not verified on a mesh with input errors (a blocker), exit 3', async () => {
    const run = await runGic(['propose', '--intent', 'test/cli/fixtures/input-errors/intent.json', '--mesh', MESH, '--mesh', BROKEN, '--data-dir', dataDir, '-o', 'json'], { env: { KUBECONFIG: undefined, GIC_CONFIG: undefined } });
    expect(run.code).toBe(3);
    const out = jsonOf(run) as { verified: boolean; blockers: string[]; inputErrors: InputError[] };
    expect(out.verified).toBe(false);
    expect(out.blockers).toContain('the mesh has 3 input errors (see inputErrors): its answers cannot be trusted');
    expectTheErrors(out.inputErrors);
  });

  it('dry-run: input errors of the --mesh snapshot are listed and exit 3', async () => {
    const run = await runGic(['dry-run', 'test/cli/fixtures/policies/valid-policy.yaml', '--offline', '--mesh', MESH, '--mesh', BROKEN, '-o', 'json']);
    expect(run.code).toBe(3);
    const out = jsonOf(run) as { results: { accepted: boolean }[]; inputErrors: InputError[] };
    expect(out.results.every((r) => r.accepted)).toBe(true);
    expectTheErrors(out.inputErrors);
  });
});
