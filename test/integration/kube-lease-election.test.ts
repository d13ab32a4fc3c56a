// Leader election on a Lease against the real kube-apiserver peer, through the KubeGateway: the first
// candidate creates the Lease and leads, a second one is not leader while the first renews, takes over
// once the first stops renewing for the Lease's duration (leaseTransitions counts it), and the first
// does not get it back while the second renews. Two candidates racing for an expired Lease: one wins.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KubeGateway } from '../../src/kube/kube-gateway.js';
import { LeaseElector } from '../../src/kube/lease-elector.js';
import { kubeConfigFor, startKube } from '../peers/kube/start-kube.js';
import { startPeerOrSkip } from '../peers/peer.js';

const peer = await startPeerOrSkip('kube', startKube);
const NS = 'gic-lease';

describe.skipIf(!peer)('Lease leader election against a real kube-apiserver', () => {
  let admin: KubeConfig;
  let gateway: KubeGateway;
  const clock = { offset: 0 };
  const now = (): Date => new Date(Date.now() + clock.offset);

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    admin = kubeConfigFor(peer.info);
    gateway = new KubeGateway(admin, { timeoutMs: 10_000 });
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  const candidate = (identity: string, name = 'gic-review-bot'): LeaseElector => new LeaseElector(gateway, { namespace: NS, name, identity, leaseDurationSeconds: 5, clock: now });

  it('one leader at a time; a holder that stops renewing is replaced after the Lease duration', async () => {
    const a = candidate('replica-a');
    const b = candidate('replica-b');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // a stops renewing; the API server's Lease says so after 5 s (the clock moves instead of waiting).
    clock.offset += 6_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(b.isLeader()).toBe(true);
    expect(a.isLeader()).toBe(false);
    const lease = (await admin.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'coordination.k8s.io', version: 'v1', namespace: NS, plural: 'leases', name: 'gic-review-bot' })) as { spec: { holderIdentity: string; leaseTransitions: number } };
    expect(lease.spec).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
  });

  it('two candidates racing for an expired Lease: exactly one wins (the update carries the resourceVersion)', async () => {
    const first = candidate('old-holder', 'gic-race');
    expect(await first.tryAcquireOrRenew()).toBe(true);
    clock.offset += 6_000;
    const racers = Array.from({ length: 4 }, (_, i) => candidate(`racer-${i}`, 'gic-race'));
    const won = await Promise.all(racers.map((r) => r.tryAcquireOrRenew()));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('the gateway refuses Leases that are not gic-*', async () => {
    await expect(gateway.lease('GET', NS, 'kube-scheduler')).rejects.toThrow(/only gic's own Leases/);
  });
});
