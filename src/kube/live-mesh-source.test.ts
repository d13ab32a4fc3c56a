// The live source's recovery logic without a cluster: a watch that ends with 410 Gone makes the
// informer relist, and a failing list or watch is retried with backoff until the snapshot is back.
import type { Watch } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';

import { createLogger } from '../log.js';
import type { KubeGateway } from './kube-gateway.js';
import { type KubeResource, NAMESPACES } from './kube-resources.js';
import { LiveMeshSource } from './live-mesh-source.js';

type Obj = Record<string, unknown>;
type WatchCall = { path: string; done: (err: unknown) => void; event: (type: string, obj: Obj) => void };

/** A gateway whose lists and watches the test scripts. */
function fakeGateway(lists: (resource: KubeResource, call: number) => Promise<{ items: Obj[]; metadata: { resourceVersion?: string } }>) {
  const listCalls = new Map<string, number>();
  const watches: WatchCall[] = [];
  const gateway = {
    serves: async () => false,
    list: async (resource: KubeResource) => {
      const n = (listCalls.get(resource.plural) ?? 0) + 1;
      listCalls.set(resource.plural, n);
      return lists(resource, n);
    },
    watch: () =>
      ({
        watch: async (path: string, _query: unknown, callback: (type: string, obj: Obj) => void, done: (err: unknown) => void) => {
          watches.push({ path, done, event: callback });
          return new AbortController();
        },
      }) as unknown as Watch,
  } as unknown as KubeGateway;
  return { gateway, listCalls, watches };
}

const ns = (name: string, rv: string): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, resourceVersion: rv } });
const logger = createLogger({ sink: { write: () => true } });

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let source: LiveMeshSource | undefined;
afterEach(async () => source?.stop());

describe('LiveMeshSource recovery', () => {
  it('relists after a watch ends with 410 Gone, dropping objects deleted meanwhile', async () => {
    const { gateway, listCalls, watches } = fakeGateway(async (resource, call) => {
      if (resource !== NAMESPACES) return { items: [], metadata: { resourceVersion: '1' } };
      return call === 1 ? { items: [ns('a', '5'), ns('b', '6')], metadata: { resourceVersion: '10' } } : { items: [ns('b', '6'), ns('c', '30')], metadata: { resourceVersion: '40' } };
    });
    source = new LiveMeshSource(gateway, { istioNamespace: 'istio-system', logger, initialBackoffMs: 5 });
    await source.start();
    expect([...source.snapshot().mesh.namespaces.keys()].sort()).toEqual(['a', 'b']);
    const first = watches.find((w) => w.path === '/api/v1/namespaces');
    first?.done(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await until('the relist', () => listCalls.get('namespaces') === 2 && source!.snapshot().mesh.namespaces.has('c'));
    expect([...source.snapshot().mesh.namespaces.keys()].sort()).toEqual(['b', 'c']);
    expect(source.snapshot().resourceVersions?.['Namespace']).toBe('40');
  });

  it('relists after an in-stream 410 ERROR event followed by the end of the watch', async () => {
    const { gateway, listCalls, watches } = fakeGateway(async (resource, call) => ({
      items: resource === NAMESPACES ? [ns(call === 1 ? 'old' : 'new', String(call))] : [],
      metadata: { resourceVersion: String(call * 10) },
    }));
    source = new LiveMeshSource(gateway, { istioNamespace: 'istio-system', logger });
    await source.start();
    const watch = watches.find((w) => w.path === '/api/v1/namespaces');
    watch?.event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 10 (300)' });
    watch?.done(null);
    await until('the relist', () => listCalls.get('namespaces') === 2 && source!.snapshot().mesh.namespaces.has('new'));
    expect([...source.snapshot().mesh.namespaces.keys()]).toEqual(['new']);
  });

  it('retries a failing list with backoff and becomes ready when the API server answers', async () => {
    let down = 3;
    const { gateway, listCalls } = fakeGateway(async (resource) => {
      if (resource === NAMESPACES && down-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
      return { items: resource === NAMESPACES ? [ns('a', '5')] : [], metadata: { resourceVersion: '7' } };
    });
    source = new LiveMeshSource(gateway, { istioNamespace: 'istio-system', logger, initialBackoffMs: 5, maxBackoffMs: 20 });
    await source.start();
    expect(listCalls.get('namespaces')).toBe(4);
    expect(source.ready()).toBe(true);
    expect(source.status().kinds.find((k) => k.kind === 'Namespace')).toMatchObject({ listed: true, failures: 0 });
    expect(source.status().notServed).toEqual(expect.arrayContaining(['AuthorizationPolicy.security.istio.io/v1', 'Gateway.gateway.networking.k8s.io/v1']));
  });

  it('applies watch events and tells listeners', async () => {
    const { gateway, watches } = fakeGateway(async () => ({ items: [], metadata: { resourceVersion: '1' } }));
    source = new LiveMeshSource(gateway, { istioNamespace: 'istio-system', logger });
    await source.start();
    let told = 0;
    source.onChange(() => told++);
    await until('the watch', () => watches.some((w) => w.path === '/api/v1/namespaces'));
    watches.find((w) => w.path === '/api/v1/namespaces')?.event('ADDED', ns('late', '9'));
    expect(source.snapshot().mesh.namespaces.has('late')).toBe(true);
    expect(told).toBeGreaterThan(0);
  });
});
