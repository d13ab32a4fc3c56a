// `gic doctor`'s cluster check: loads the kubeconfig (or the in-cluster config) and asks the API server
// whether it serves Istio's AuthorizationPolicy (discovery through the kube gateway: a read gic needs).
import type { ClusterSettings } from '../../config/config-schema.js';
import { KubeGateway } from '../../kube/kube-gateway.js';
import { loadKubeConfig } from '../../kube/load-kube-config.js';
import type { DoctorCheck } from './doctor-check.js';

export function clusterCheck(settings: ClusterSettings): DoctorCheck {
  return {
    name: 'cluster',
    async run() {
      const loaded = loadKubeConfig(settings);
      if (loaded === undefined) {
        return { ok: true, configured: false, detail: 'no cluster configured (--kubeconfig, KUBECONFIG, or in a pod): dry-runs are offline' };
      }
      const server = loaded.kubeConfig.getCurrentCluster()?.server ?? 'the API server';
      const gateway = new KubeGateway(loaded.kubeConfig, { timeoutMs: settings.timeoutMs });
      const serves = await gateway.serves('security.istio.io', 'v1', 'authorizationpolicies');
      if (!serves) return { ok: false, detail: `${server} (${loaded.origin}) does not serve security.istio.io/v1 AuthorizationPolicy: are Istio's CRDs installed?` };
      return { ok: true, detail: `${server} (${loaded.origin}) serves security.istio.io/v1 AuthorizationPolicy` };
    },
  };
}
