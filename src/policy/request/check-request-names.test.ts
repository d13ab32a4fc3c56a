// Names in a request are checked against the mesh before evaluation: an unknown `to.workload` or
// `from.workload` is not-found (never an empty stand-in answering ALLOW), a missing `to.port` takes the
// workload's only port or is a bad request when it has several or none (never "port none").
import { describe, expect, it } from 'vitest';

import { compileMesh } from '../evaluate/compile-mesh.js';
import { parseMesh } from '../parse/parse-mesh.js';
import { checkRequestNames } from './check-request-names.js';

const deployment = (name: string, ports: number[]) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: app, ports: [${ports.map((p) => `{containerPort: ${p}}`).join(', ')}]}, {name: istio-proxy}]}
`;
const MESH = [
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n',
  deployment('web', [8080]),
  deployment('api', [8080, 9090]),
  deployment('worker', []),
  'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ingress, namespace: shop}\nspec: {gatewayClassName: istio}\n',
].join('---\n');
const compiled = compileMesh(parseMesh([{ file: 'mesh.yaml', text: MESH }]).mesh);

describe('checkRequestNames', () => {
  it('refuses a to.workload the mesh does not have, suggesting the near name', () => {
    const result = checkRequestNames(compiled, { to: { namespace: 'shop', workload: 'wbe', port: 8080 } });
    expect(result).toEqual({ ok: false, code: 'not-found', field: 'to.workload', message: 'to.workload shop/wbe is not a workload of the mesh (did you mean shop/web?)' });
  });

  it('refuses a from.workload the mesh does not have, and a namespace without workloads', () => {
    expect(checkRequestNames(compiled, { to: { namespace: 'shop', workload: 'web', port: 8080 }, from: { namespace: 'shop', workload: 'ghost' } })).toMatchObject({ ok: false, code: 'not-found', field: 'from.workload' });
    expect(checkRequestNames(compiled, { to: { namespace: 'shpo', workload: 'web', port: 8080 } })).toMatchObject({ ok: false, message: expect.stringContaining('did you mean namespace shop?') });
  });

  it('accepts a Gateway name as the target (its generated pods), and an ad-hoc target by labels', () => {
    expect(checkRequestNames(compiled, { to: { namespace: 'shop', workload: 'ingress', port: 80 } }).ok).toBe(true);
    expect(checkRequestNames(compiled, { to: { namespace: 'shop', labels: { app: 'x' }, port: 80 } }).ok).toBe(true);
  });

  it("fills a missing to.port with the workload's only port", () => {
    const result = checkRequestNames(compiled, { to: { namespace: 'shop', workload: 'web' }, method: 'GET' });
    expect(result).toEqual({ ok: true, request: { to: { namespace: 'shop', workload: 'web', port: 8080 }, method: 'GET' } });
  });

  it('refuses a missing to.port when the workload has several ports, none, or unknown ones', () => {
    expect(checkRequestNames(compiled, { to: { namespace: 'shop', workload: 'api' } })).toEqual({ ok: false, code: 'bad-request', field: 'to.port', message: 'to.port is missing and workload shop/api listens on 2 ports (8080, 9090): give to.port' });
    expect(checkRequestNames(compiled, { to: { namespace: 'shop', workload: 'worker' } })).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining('declares no container ports') });
    expect(checkRequestNames(compiled, { to: { namespace: 'shop', workload: 'ingress' } })).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining('does not know the ports') });
  });
});
