// Which cluster gic talks to: the kubeconfig files named (merged, with a context), else the in-cluster
// config, else none; never an implicit ~/.kube/config.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadKubeConfig } from './load-kube-config.js';

function kubeconfig(cluster: string, server: string, current?: string): string {
  return `apiVersion: v1
kind: Config
clusters: [{name: ${cluster}, cluster: {server: "${server}"}}]
users: [{name: ${cluster}-user, user: {token: t}}]
contexts: [{name: ${cluster}, context: {cluster: ${cluster}, user: ${cluster}-user}}]
${current === undefined ? '' : `current-context: ${current}`}
`;
}

describe('loadKubeConfig', () => {
  it('merges KUBECONFIG-style lists; the first current-context wins; --context picks another', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gic-kc-'));
    await writeFile(join(dir, 'a'), kubeconfig('alpha', 'https://alpha:6443', 'alpha'));
    await writeFile(join(dir, 'b'), kubeconfig('beta', 'https://beta:6443', 'beta'));
    const both = [join(dir, 'a'), join(dir, 'b')].join(delimiter);
    expect(loadKubeConfig({ kubeconfig: both })?.kubeConfig.getCurrentCluster()?.server).toBe('https://alpha:6443');
    const beta = loadKubeConfig({ kubeconfig: both, context: 'beta' });
    expect(beta?.kubeConfig.getCurrentCluster()?.server).toBe('https://beta:6443');
    expect(beta?.origin).toBe('kubeconfig:beta');
    expect(() => loadKubeConfig({ kubeconfig: both, context: 'gamma' })).toThrow(/no context "gamma".*alpha, beta/);
  });

  it('reports an unreadable kubeconfig as unreadable input', () => {
    expect(() => loadKubeConfig({ kubeconfig: '/nonexistent/kubeconfig' })).toThrow(/cannot read kubeconfig/);
  });

  it('is undefined with no kubeconfig outside a pod, and refuses --context without a kubeconfig', () => {
    expect(loadKubeConfig({}, { inClusterTokenExists: () => false })).toBeUndefined();
    expect(() => loadKubeConfig({ context: 'x' }, { inClusterTokenExists: () => false })).toThrow(/--context needs a kubeconfig/);
  });
});
