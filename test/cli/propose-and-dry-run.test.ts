// `gic propose` fails closed (exit 3 whenever verified is false, each failed engine check a blocker that
// says why) and its built-in dry-run judges the YAML against the mesh it is given, as `gic dry-run
// --offline --mesh` does; `gic dry-run` with no cluster configured and no --offline says that it ran
// offline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { jsonOf, REPO_ROOT, runGic } from './run-gic.js';

const tmp = mkdtempSync(join(tmpdir(), 'gic-propose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const COMPILE_MESH = 'test/fixtures/istio/compile/mesh.yaml';
const NO_CLUSTER = { KUBECONFIG: undefined, GIC_CONFIG: undefined };
/** propose stores its proposals: a data directory of this test's own. */
const store = (): string[] => ['--data-dir', join(tmp, 'data')];

function intentFile(name: string, intent: unknown): string {
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(intent));
  return file;
}

interface ProposeOut {
  yaml: string;
  verified: boolean;
  blockers: string[];
  inputErrors: unknown[];
}

describe('gic propose', () => {
  const good = { action: 'allow', subjects: [{ serviceAccount: 'ci/runner' }], target: { namespace: 'builds', workload: 'artifact-store' }, operations: [{ methods: ['GET'], paths: ['/artifacts/*'] }] };

  it('exits 0 with verified true and no blocker', async () => {
    const run = await runGic(['propose', '--intent', intentFile('good', good), '--mesh', COMPILE_MESH, ...store(), '-o', 'json'], { env: NO_CLUSTER });
    const out = jsonOf(run) as ProposeOut;
    expect(out.blockers).toEqual([]);
    expect(out.verified).toBe(true);
    expect(run.code).toBe(0);
    expect(out.inputErrors).toEqual([]);
  });

  it('exits 3 when not verified: a target that does not exist, or no mesh at all', async () => {
    const typo = await runGic(['propose', '--intent', intentFile('typo', { ...good, target: { namespace: 'builds', workload: 'artifact-stroe' } }), '--mesh', COMPILE_MESH, ...store(), '-o', 'json'], { env: NO_CLUSTER });
    expect(typo.code).toBe(3);
    const out = jsonOf(typo) as ProposeOut;
    expect(out.verified).toBe(false);
    expect(out.blockers).toContain('target: no workload builds/artifact-stroe in the mesh');
    expect((await runGic(['propose', '--intent', intentFile('good2', good), ...store(), '-o', 'json'], { env: NO_CLUSTER })).code).toBe(3);
  });

  it('exits 3 on a method that is not an HTTP method and on a path without "/", in the human format too', async () => {
    const run = await runGic(['propose', '--intent', intentFile('bad-op', { ...good, operations: [{ methods: ['get'], paths: ['artifacts/*'] }] }), '--mesh', COMPILE_MESH, ...store(), '-o', 'human'], { env: NO_CLUSTER });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('NOT verified');
    expect(run.stdout).toMatch(/not verified: intent: operations\[0\]\.methods: "get" is not an HTTP method \(Istio matches methods case-sensitively: write "GET"\); operations\[0\]\.paths: "artifacts\/\*" is not a request path/);
  });

  it('dry-runs against the given mesh: the YAML that `gic dry-run --offline --mesh` rejects is not verified', async () => {
    const mesh = join(tmp, 'orphan-mesh.yaml');
    writeFileSync(mesh, `${readFileSync(join(REPO_ROOT, COMPILE_MESH), 'utf8')}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache, namespace: orphan}\nspec:\n  template:\n    metadata: {labels: {app: cache}}\n    spec: {containers: [{name: app, ports: [{containerPort: 6379}]}]}\n`);
    const run = await runGic(['propose', '--intent', intentFile('orphan', { ...good, target: { namespace: 'orphan', workload: 'cache' }, operations: [{ ports: ['6379'] }] }), '--mesh', mesh, ...store(), '-o', 'json'], { env: NO_CLUSTER });
    expect(run.code).toBe(3);
    const out = jsonOf(run) as ProposeOut;
    expect(out.blockers.some((b) => b.includes('offline dry-run rejected') && b.includes('metadata.namespace: namespaces "orphan" not found in the mesh snapshot'))).toBe(true);
    const proposal = join(tmp, 'orphan-proposal.yaml');
    writeFileSync(proposal, out.yaml);
    const dryRun = await runGic(['dry-run', proposal, '--offline', '--mesh', mesh, '-o', 'json']);
    expect(dryRun.code).toBe(3);
    expect((jsonOf(dryRun) as { results: { accepted: boolean; errors: { message: string }[] }[] }).results[0]).toMatchObject({ accepted: false, errors: [{ message: 'namespaces "orphan" not found in the mesh snapshot' }] });
  });

  it('refuses an intent file that nests too deep (exit 2), before parsing it', async () => {
    const deep = join(tmp, 'deep.json');
    writeFileSync(deep, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const run = await runGic(['propose', '--intent', deep, '--mesh', COMPILE_MESH, ...store()], { env: NO_CLUSTER });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not valid JSON: nested deeper than 32 levels');
  });
});

describe('gic dry-run mode', () => {
  it('says on stderr and in the JSON that it ran offline when no cluster is configured', async () => {
    const run = await runGic(['dry-run', 'test/cli/fixtures/policies/valid-policy.yaml', '-o', 'json'], { env: NO_CLUSTER });
    expect(run.code).toBe(0);
    const out = jsonOf(run) as { mode: string; modeReason: string; results: { mode: string }[] };
    expect(out.mode).toBe('offline');
    expect(out.modeReason).toMatch(/^no cluster configured \(no --kubeconfig, KUBECONFIG or in-cluster config\)/);
    expect(out.results[0]?.mode).toBe('offline');
    expect(run.stderr).toContain('ran offline: no cluster configured');
    const human = await runGic(['dry-run', 'test/cli/fixtures/policies/valid-policy.yaml', '-o', 'human'], { env: NO_CLUSTER });
    expect(human.stdout).toMatch(/^mode: offline \(no cluster configured/);
  });

  it('does not warn about the mode when --offline asked for it', async () => {
    const run = await runGic(['dry-run', 'test/cli/fixtures/policies/valid-policy.yaml', '--offline', '-o', 'json'], { env: NO_CLUSTER });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('ran offline');
    expect((jsonOf(run) as { mode: string }).mode).toBe('offline');
  });
});
