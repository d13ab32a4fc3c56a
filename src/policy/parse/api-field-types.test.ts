// The API server's decoding of the fields gic reads: YAML 1.1 booleans and numbers where Kubernetes
// expects strings, strings where it expects integers, scalars where it expects lists are input errors
// with the field and the line, read from the files as kubectl reads them.
import { describe, expect, it } from 'vitest';

import { parseMesh } from './parse-mesh.js';

function errorsOf(text: string) {
  return parseMesh([{ file: 'mesh.yaml', text }]).findings.filter((f) => f.level === 'error');
}

const deployment = (podSpec: string, name = 'web', labels = 'app: web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  template:
    metadata:
      labels:
        ${labels}
    spec:
${podSpec}
`;

describe('API server field types', () => {
  it('reports `serviceAccountName: no` (a YAML 1.1 boolean) at its line instead of silently using the default identity', () => {
    const errors = errorsOf(deployment('      serviceAccountName: no\n      containers: [{name: app}]'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'mesh.invalid-field', field: 'spec.template.spec.serviceAccountName', line: 12 });
    expect(errors[0]?.message).toContain('expected a string, got the boolean false');
    expect(errors[0]?.message).toContain('quote the value');
  });

  it('reports `name: y` as a boolean name, once, and leaves the object out', () => {
    const result = parseMesh([{ file: 'mesh.yaml', text: deployment('      containers: [{name: app}]', 'y') }]);
    const errors = result.findings.filter((f) => f.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ rule: 'mesh.invalid-field', field: 'metadata.name', line: 4 });
    expect(result.mesh.workloads).toHaveLength(0);
  });

  it('reports a number as a label value, and a string as a container port', () => {
    const errors = errorsOf(deployment('      containers: [{name: app, ports: [{containerPort: "8080"}]}]', 'web', 'version: 1'));
    expect(errors.map((e) => e.field)).toEqual(['spec.template.metadata.labels.version', 'spec.template.spec.containers[0].ports[0].containerPort']);
  });

  it('reports Service ports and selectors of the wrong type', () => {
    const errors = errorsOf('apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: true}\n  ports: {port: 80}\n');
    expect(errors.map((e) => e.field)).toEqual(['spec.selector.app', 'spec.ports']);
  });

  it('accepts nulls, int-or-string ports and quoted values', () => {
    expect(errorsOf(deployment('      serviceAccountName: "no"\n      containers: [{name: app, ports: [{containerPort: 80}], livenessProbe: {httpGet: {port: http}}}]\n      initContainers: null'))).toEqual([]);
  });
});
