// Resolves which cluster gic talks to (docs/cli.md settings table): the kubeconfig file(s) of
// `--kubeconfig` / KUBECONFIG (`:`-separated, merged like kubectl) with `--context`, else the in-cluster
// config when running in a pod, else no cluster (callers fall back to offline work). There is no
// implicit ~/.kube/config: a laptop never reaches a cluster nobody named. Reads files only; no requests.
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';

import { KubeConfig } from '@kubernetes/client-node';

import type { ClusterSettings } from '../config/config-schema.js';
import { AppError } from '../errors.js';

/** Where a pod's service-account credentials are mounted (client-node loadFromCluster reads them). */
export const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  /** `kubeconfig:<context>` or `in-cluster`, for logs and results. */
  readonly origin: string;
}

export interface LoadKubeConfigOptions {
  /** Injected for tests: whether the in-cluster token exists. */
  readonly inClusterTokenExists?: () => boolean;
}

/** The cluster's KubeConfig, or undefined when no cluster is configured. */
export function loadKubeConfig(settings: Pick<ClusterSettings, 'kubeconfig' | 'context'>, options: LoadKubeConfigOptions = {}): LoadedKubeConfig | undefined {
  const files = (settings.kubeconfig ?? '').split(delimiter).filter((f) => f !== '');
  if (files.length > 0) {
    const kc = new KubeConfig();
    files.forEach((file, i) => {
      const next = i === 0 ? kc : new KubeConfig();
      try {
        next.loadFromFile(file);
      } catch (error) {
        throw new AppError('input-unreadable', `cannot read kubeconfig ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { path: file } });
      }
      // Like kubectl: the first file that sets current-context wins; clusters/users/contexts merge.
      if (i > 0) kc.mergeConfig(next, kc.getCurrentContext() !== '');
    });
    if (settings.context !== undefined) {
      if (kc.getContextObject(settings.context) === null) {
        const known = kc.getContexts().map((c) => c.name);
        throw new AppError('usage', `kubeconfig has no context "${settings.context}" (contexts: ${known.join(', ') || 'none'})`);
      }
      kc.setCurrentContext(settings.context);
    }
    if (kc.getCurrentCluster() === null) throw new AppError('usage', `kubeconfig ${files.join(delimiter)} names no cluster for context "${kc.getCurrentContext()}"`);
    return { kubeConfig: kc, origin: `kubeconfig:${kc.getCurrentContext()}` };
  }
  if (settings.context !== undefined) throw new AppError('usage', '--context needs a kubeconfig (--kubeconfig or KUBECONFIG)');
  const inCluster = options.inClusterTokenExists ?? (() => existsSync(IN_CLUSTER_TOKEN));
  if (inCluster()) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return { kubeConfig: kc, origin: 'in-cluster' };
  }
  return undefined;
}
