// How the trace names the caller (addressing.ts `describeCaller`): by what it is (sidecar, ambient,
// gateway, waypoint, not in the mesh, not in the snapshot), with the identity callerIdentity resolves.
import { describe, expect, it } from 'vitest';

import { buildMesh } from '../../../test/arbitraries/mesh-and-requests.js';
import type { Workload } from '../resources/mesh.js';
import { callerIdentity, describeCaller } from './addressing.js';
import { compileMesh } from './compile-mesh.js';

function meshWith(extra: readonly Workload[]) {
  const mesh = buildMesh({ workloads: [{ namespace: 'foo', app: 'a', serviceAccount: 'sa1', dataplane: 'sidecar' }, { namespace: 'bar', app: 'b', serviceAccount: 'sa2', dataplane: 'ambient' }], policies: [], peerAuthentications: [], requestAuthentications: [], trustDomainAliases: [] });
  return compileMesh({ ...mesh, workloads: [...mesh.workloads, ...extra] });
}

const base = meshWith([]).mesh.workloads[0] as Workload;
const gateway: Workload = { ...base, name: 'ingress', labels: { istio: 'ingressgateway' }, serviceAccount: 'ingress-sa', dataplane: 'sidecar' };
const waypoint: Workload = { ...base, namespace: 'bar', name: 'wp', labels: { 'gateway.networking.k8s.io/gateway-name': 'wp' }, serviceAccount: 'wp', dataplane: 'none', isWaypoint: true };

describe('describeCaller', () => {
  const compiled = meshWith([gateway, waypoint]);
  const described = (from: NonNullable<Parameters<typeof describeCaller>[1]['from']>) => describeCaller(compiled, { to: { namespace: 'foo', workload: 'a' }, from });

  it('names a gateway or a waypoint caller as such, not as a sidecar', () => {
    expect(described({ namespace: 'foo', workload: 'ingress' })).toBe('workload foo/ingress (gateway, identity cluster.local/ns/foo/sa/ingress-sa)');
    expect(described({ namespace: 'bar', workload: 'wp' })).toBe('workload bar/wp (waypoint, identity cluster.local/ns/bar/sa/wp)');
  });

  it('names sidecar and ambient callers by their data plane, and the others by how they connect', () => {
    expect(described({ namespace: 'foo', workload: 'a' })).toBe('workload foo/a (sidecar, identity cluster.local/ns/foo/sa/sa1)');
    expect(described({ namespace: 'bar', workload: 'b' })).toBe('workload bar/b (ambient, identity cluster.local/ns/bar/sa/sa2)');
    expect(described({ namespace: 'foo', workload: 'ghost' })).toBe('workload foo/ghost (not in the snapshot: assumed in the mesh with service account default)');
    expect(described({ principal: 'td/ns/x/sa/y' })).toBe('mTLS peer td/ns/x/sa/y');
    expect(described({ plaintext: true })).toBe('a plaintext client');
  });

  it('describes the identity callerIdentity resolves', () => {
    for (const from of [{ namespace: 'foo', workload: 'ingress' }, { namespace: 'bar', workload: 'wp' }, { namespace: 'foo', workload: 'a' }]) {
      const id = callerIdentity(compiled, { to: { namespace: 'foo', workload: 'a' }, from });
      expect(described(from)).toContain(`identity ${id?.principal ?? 'none'}`);
    }
  });
});
