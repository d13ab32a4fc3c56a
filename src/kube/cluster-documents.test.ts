// Pods fold into their top-level owner, as a manifest of that owner would describe the workload.
import { describe, expect, it } from 'vitest';

import { buildMesh } from '../policy/parse/build-mesh.js';
import { clusterDocument, podOwner, workloadsFromPods } from './cluster-documents.js';

type Obj = Record<string, unknown>;

function pod(name: string, extra: { owner?: [string, string]; labels?: Record<string, string>; created?: string; phase?: string; deleting?: boolean; sa?: string } = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: extra.labels ?? { app: 'web' },
      creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z',
      ...(extra.owner === undefined ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: extra.owner[0], name: extra.owner[1], uid: 'u', controller: true }] }),
      ...(extra.deleting === true ? { deletionTimestamp: '2026-01-02T00:00:00Z' } : {}),
    },
    spec: { serviceAccountName: extra.sa ?? 'web', containers: [{ name: 'web', image: 'web', ports: [{ containerPort: 8080 }] }] },
    status: { phase: extra.phase ?? 'Running' },
  };
}

describe('podOwner', () => {
  it('resolves a Deployment through its pod-template-hash ReplicaSet', () => {
    expect(podOwner(pod('web-5d8f-x', { owner: ['ReplicaSet', 'web-5d8f'], labels: { 'pod-template-hash': '5d8f' } }))).toEqual({ kind: 'Deployment', name: 'web' });
  });
  it('keeps a ReplicaSet without the hash, StatefulSets, DaemonSets and Jobs', () => {
    expect(podOwner(pod('rs-x', { owner: ['ReplicaSet', 'rs'] }))).toEqual({ kind: 'ReplicaSet', name: 'rs' });
    expect(podOwner(pod('db-0', { owner: ['StatefulSet', 'db'] }))).toEqual({ kind: 'StatefulSet', name: 'db' });
    expect(podOwner(pod('agent-x', { owner: ['DaemonSet', 'agent'] }))).toEqual({ kind: 'DaemonSet', name: 'agent' });
    expect(podOwner(pod('job-x', { owner: ['Job', 'migrate'] }))).toEqual({ kind: 'Job', name: 'migrate' });
  });
  it('has no owner for a bare pod or an unknown owner kind', () => {
    expect(podOwner(pod('bare'))).toBeUndefined();
    expect(podOwner(pod('x', { owner: ['Rollout', 'web'] }))).toBeUndefined();
  });
});

describe('workloadsFromPods', () => {
  it('makes one workload per owner from its newest running pod, without controller labels', () => {
    const labels = (v: string) => ({ app: 'web', version: v, 'pod-template-hash': '5d8f' });
    const out = workloadsFromPods([
      pod('web-5d8f-old', { owner: ['ReplicaSet', 'web-5d8f'], labels: labels('v1'), created: '2026-01-01T00:00:00Z' }),
      pod('web-5d8f-new', { owner: ['ReplicaSet', 'web-5d8f'], labels: labels('v2'), created: '2026-01-03T00:00:00Z' }),
      pod('web-5d8f-gone', { owner: ['ReplicaSet', 'web-5d8f'], labels: labels('v3'), created: '2026-01-04T00:00:00Z', deleting: true }),
      pod('done', { phase: 'Succeeded' }),
      pod('bare', { labels: { app: 'debug' } }),
    ]);
    expect(out.map((o) => [o['kind'], (o['metadata'] as Obj)['name']])).toEqual([
      ['Pod', 'bare'],
      ['Deployment', 'web'],
    ]);
    const deployment = out[1] as Obj;
    expect((deployment['metadata'] as Obj)['creationTimestamp']).toBe('2026-01-01T00:00:00Z');
    const mesh = buildMesh(out.map((o, i) => clusterDocument(o, i))).mesh;
    const web = mesh.workloads.find((w) => w.name === 'web');
    expect(web?.labels).toEqual({ app: 'web', version: 'v2' });
    expect(web?.serviceAccount).toBe('web');
    expect(web?.source.file).toBe('cluster:Deployment/shop/web');
  });
});
