// The CRD structural check: Kubernetes' null pruning, strict unknown fields, JSON types, rune-counted
// string lengths, and the path stack being restored after every child.
import { describe, expect, it } from 'vitest';

import { checkStructure } from './check-structure.js';
import { AUTHORIZATION_POLICY_SPEC, type CrdSchema } from './crd-schema.js';
import { FindingCollector } from './finding-collector.js';

function run(value: unknown, schema: CrdSchema = AUTHORIZATION_POLICY_SPEC): { rule: string; field: string }[] {
  const out = new FindingCollector(() => 1);
  const path: (string | number)[] = ['spec'];
  checkStructure(value, schema, path, out);
  expect(path).toEqual(['spec']);
  return out.errors.map((e) => ({ rule: e.rule, field: e.field }));
}

describe('checkStructure', () => {
  it('treats null of a known field as absent, but not a null list item or an unknown null field', () => {
    expect(run({ selector: null, action: null, rules: [{ from: null }] })).toEqual([]);
    expect(run({ rules: [null] })).toEqual([{ rule: 'crd.type', field: 'spec.rules[0]' }]);
    expect(run({ bogus: null })).toEqual([{ rule: 'crd.unknown-field', field: 'spec.bogus' }]);
  });
  it('reports every problem, not just the first', () => {
    const found = run({ action: 'allow', rules: [{ to: [{ operation: { ports: [80], methods: 'GET' } }], when: [{ values: ['a'] }] }], extra: 1 });
    expect(found).toEqual([
      { rule: 'crd.enum', field: 'spec.action' },
      { rule: 'crd.type', field: 'spec.rules[0].to[0].operation.ports[0]' },
      { rule: 'crd.type', field: 'spec.rules[0].to[0].operation.methods' },
      { rule: 'crd.required', field: 'spec.rules[0].when[0].key' },
      { rule: 'crd.unknown-field', field: 'spec.extra' },
    ]);
  });
  it('counts string length in code points, as Kubernetes counts runes', () => {
    expect(run({ selector: { matchLabels: { app: '😀'.repeat(63) } } })).toEqual([]);
    expect(run({ selector: { matchLabels: { app: '😀'.repeat(64) } } })).toEqual([{ rule: 'crd.max-length', field: 'spec.selector.matchLabels.app' }]);
  });
  it('suggests the closest known field first', () => {
    const out = new FindingCollector(() => 1);
    checkStructure({ rule: [] }, AUTHORIZATION_POLICY_SPEC, [], out);
    expect(out.errors[0]?.message).toMatch(/use one of: rules,/);
  });
  it('gives a misspelt field a rename edit, unless the field it means is set already or nothing is close', () => {
    const edits = (spec: Record<string, unknown>): unknown[] => {
      const out = new FindingCollector(() => 1);
      checkStructure(spec, AUTHORIZATION_POLICY_SPEC, ['spec'], out);
      return out.errors.map((e) => e.edit);
    };
    expect(edits({ rule: [] })).toEqual([{ kind: 'rename-key', field: 'spec.rule', key: 'rules' }]);
    expect(edits({ Action: 'DENY' })).toEqual([{ kind: 'rename-key', field: 'spec.Action', key: 'action' }]);
    expect(edits({ rule: [], rules: [] })).toEqual([undefined]);
    expect(edits({ frobnicate: 1 })).toEqual([undefined]);
    // Two fields equally near: a person chooses.
    const twoNear = new FindingCollector(() => 1);
    checkStructure({ a: 1 }, { type: 'object', properties: { ab: { type: 'integer' }, ac: { type: 'integer' } } } as never, ['spec'], twoNear);
    expect(twoNear.errors.map((e) => e.edit)).toEqual([undefined]);
  });
});
