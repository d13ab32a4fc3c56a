// `gic dry-run` without a cluster (docs/cli.md): mode "offline", gic's validation plus the simulated
// apply to the --mesh snapshot; exit 0 when all are accepted, 3 when any is rejected, 2 for usage
// errors, 4 for unreadable input. Runs the real CLI; needs no peer.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { DryRunReportSchema } from '../../src/kube/dry-run-result.js';
import { jsonOf, runGic } from '../cli/run-gic.js';

const policy = (name: string, namespace: string, action: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  action: ${action}
  rules:
  - from:
    - source:
        namespaces: ["ci"]
`;

describe('gic dry-run --offline', () => {
  it('accepts, rejects with fields, and exits 0 or 3', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gic-offline-'));
    const good = path.join(dir, 'good.yaml');
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(good, policy('builds-from-ci', 'gerrit', 'ALLOW'));
    await writeFile(bad, `${policy('builds-from-ci', 'gerrit', 'PERMIT')}---\n${policy('elsewhere', 'no-such-namespace', 'ALLOW')}`);

    const ok = await runGic(['dry-run', good, '--offline', '--mesh', 'examples/demo-mesh', '-o', 'json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(DryRunReportSchema.parse(jsonOf(ok)).results).toEqual([
      { source: `${good}:1`, kind: 'AuthorizationPolicy', namespace: 'gerrit', name: 'builds-from-ci', accepted: true, mode: 'offline', errors: [], warnings: [] },
    ]);

    const rejected = await runGic(['dry-run', bad, '--offline', '--mesh', 'examples/demo-mesh', '-o', 'json']);
    expect(rejected.code, rejected.stderr).toBe(3);
    const results = DryRunReportSchema.parse(jsonOf(rejected)).results;
    expect(results.map((r) => [r.name, r.accepted, r.mode])).toEqual([
      ['builds-from-ci', false, 'offline'],
      ['elsewhere', false, 'offline'],
    ]);
    expect(results[0]?.errors.map((e) => e.field)).toContain('spec.action');
    expect(results[1]?.errors).toEqual([{ field: 'metadata.namespace', message: 'namespaces "no-such-namespace" not found in the mesh snapshot' }]);

    const human = await runGic(['dry-run', bad, '--offline', '-o', 'human']);
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/^REJECTED \[offline\] AuthorizationPolicy gerrit\/builds-from-ci/m);
  });

  it('exits 2 without files and 4 for an unreadable file or kubeconfig', async () => {
    expect((await runGic(['dry-run', '-o', 'json'])).code).toBe(2);
    expect((await runGic(['dry-run', '/nonexistent/proposal.yaml', '--offline', '-o', 'json'])).code).toBe(4);
    expect((await runGic(['dry-run', 'examples/demo-mesh/20-gerrit.yaml', '--kubeconfig', '/nonexistent/kubeconfig', '-o', 'json'])).code).toBe(4);
  });
});
