// Input errors: one {file, line, field, rule, message} list from parse and mesh-building findings and
// from the security resources validation rejects (readMeshInput), so a dropped DENY, a misspelled kind
// or a file that does not parse is never used silently; validation's detail replaces the mesh's summary.
import { describe, expect, it } from 'vitest';

import { readMeshInput } from '../validate/read-mesh-input.js';
import { collectInputErrors, describeInputError, sortInputErrors } from './input-errors.js';
import type { MeshFinding } from './mesh-finding.js';

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n';

describe('readMeshInput input errors', () => {
  it('lists a DENY policy the CRD schema rejects once, with validation\'s field and line, while the mesh leaves it out', () => {
    const deny = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny-admin, namespace: shop}\nspec:\n  action: DENY\n  rules:\n  - to:\n    - operation: {path: ["/admin"]}\n';
    const input = readMeshInput([{ file: 'ns.yaml', text: NAMESPACE }, { file: 'deny.yaml', text: deny }]);
    expect(input.mesh.authorizationPolicies).toHaveLength(0);
    expect(input.inputErrors.every((e) => e.rule !== 'mesh.invalid-policy')).toBe(true);
    expect(input.inputErrors[0]).toMatchObject({ file: 'deny.yaml', line: 8, field: 'spec.rules[0].to[0].operation.path', rule: 'crd.unknown-field' });
    expect(input.inputErrors[0]?.message).toMatch(/^AuthorizationPolicy shop\/deny-admin is rejected: /);
  });

  it('lists a policy that only istiod\'s webhook rejects, although the mesh keeps it', () => {
    const policy = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: bad-method, namespace: shop}\nspec:\n  rules:\n  - to:\n    - operation: {ports: ["99999"]}\n';
    const input = readMeshInput([{ file: 'p.yaml', text: policy }]);
    expect(input.mesh.authorizationPolicies).toHaveLength(1);
    expect(input.inputErrors.map((e) => `${e.rule} ${e.field}`)).toEqual(['authz.operation.bad-port spec.rules[0].to[0].operation.ports[0]']);
  });

  it('lists a file that does not parse, a misspelled kind, a document without kind and a boolean name, in file order', () => {
    const input = readMeshInput([
      { file: 'b.yaml', text: 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web}\n---\nfoo: bar\n' },
      { file: 'a.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: [\n' },
      { file: 'c.yaml', text: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: y, namespace: shop}\n' },
    ]);
    expect(input.inputErrors.map((e) => `${e.file}:${e.line} ${e.rule} ${e.field}`)).toEqual([
      'b.yaml:2 mesh.unknown-kind kind',
      'b.yaml:5 mesh.missing-kind apiVersion',
      'a.yaml:4 yaml.syntax ',
      'a.yaml:4 yaml.syntax ',
      'c.yaml:3 mesh.invalid-field metadata.name',
    ]);
  });

  it('leaves warnings (a duplicate object) out of the input errors', () => {
    const input = readMeshInput([{ file: 'ns.yaml', text: `${NAMESPACE}---\n${NAMESPACE}` }]);
    expect(input.findings.map((f) => f.rule)).toEqual(['mesh.duplicate-object']);
    expect(input.inputErrors).toEqual([]);
  });
});

describe('collectInputErrors', () => {
  const finding = (file: string, line: number, rule: string, level: 'error' | 'warning' = 'error'): MeshFinding => ({ file, line, column: 1, rule, level, message: rule });

  it('keeps only errors, sorted by the given file order then line', () => {
    const errors = collectInputErrors([finding('b', 9, 'yaml.syntax'), finding('a', 3, 'mesh.invalid-field'), finding('b', 2, 'mesh.unknown-kind'), finding('a', 1, 'mesh.duplicate-object', 'warning')], [], ['a', 'b']);
    expect(errors.map((e) => `${e.file}:${e.line}`)).toEqual(['a:3', 'b:2', 'b:9']);
  });

  it('describes an error on one line with file, line, field and rule', () => {
    expect(describeInputError({ file: 'x.yaml', line: 4, field: 'metadata.name', rule: 'mesh.invalid-field', message: 'boom' })).toBe('x.yaml:4 metadata.name: boom [mesh.invalid-field]');
    expect(sortInputErrors([])).toEqual([]);
  });
});
