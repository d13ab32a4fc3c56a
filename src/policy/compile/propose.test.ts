// What `verified` means (propose.ts): every check must hold: a valid intent (HTTP methods, request
// paths), an existing target, a mesh without input errors, validation, the offline dry-run on THAT
// mesh, a non-empty diff equal to the intent, sample requests deciding as asked, and no new analyzer
// error; Gerrit groups decide only when a Gerrit source says they exist or not. Extending a policy
// keeps its file's comments, and a policy about other callers and operations is never extended.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseMesh } from '../parse/parse-mesh.js';
import { readMeshInput } from '../validate/read-mesh-input.js';
import { type Intent, IntentSchema } from './intent.js';
import { type CheckName, propose, type Proposal } from './propose.js';

const MESH_TEXT = readFileSync(join(import.meta.dirname, '../../../test/fixtures/istio/compile/mesh.yaml'), 'utf8');
const SOURCES = [{ file: 'mesh.yaml', text: MESH_TEXT }];
const { mesh } = parseMesh(SOURCES);

const intent = (overrides: Partial<Intent> = {}): Intent =>
  IntentSchema.parse({
    action: 'allow',
    subjects: [{ serviceAccount: 'ci/runner' }],
    target: { namespace: 'builds', workload: 'artifact-store' },
    operations: [{ methods: ['GET'], paths: ['/artifacts/*'] }],
    ...overrides,
  });

function failed(proposal: Proposal): CheckName[] {
  return proposal.checks.filter((c) => c.ok === false).map((c) => c.name);
}

describe('propose: sample tokens the mesh accepts', () => {
  const demoDir = join(import.meta.dirname, '../../../examples/demo-mesh');
  const demoSources = readdirSync(demoDir).filter((f) => f.endsWith('.yaml')).map((f) => ({ file: f, text: readFileSync(join(demoDir, f), 'utf8') }));
  const demo = parseMesh(demoSources).mesh;

  it('a group grant verifies where the RequestAuthentication wants an audience or reads tokens from another header', () => {
    // gerrit/gerrit: audiences ["gerrit"]; ci/ci-dashboard: the token in x-forwarded-access-token.
    for (const target of [{ namespace: 'gerrit', workload: 'gerrit' }, { namespace: 'ci', workload: 'ci-dashboard' }]) {
      const proposal = propose(intent({ subjects: [{ gerritGroup: 'release-managers' }], target, operations: [{ methods: ['GET'], paths: ['/a/projects/*'] }] }), demo, { sources: demoSources });
      expect(failed(proposal), `${target.namespace}/${target.workload}`).toEqual([]);
    }
  });
});

describe('propose: what verified means', () => {
  it('verifies a valid intent on an existing workload whose diff is exactly the intent', () => {
    const proposal = propose(intent(), mesh, { sources: SOURCES });
    expect(failed(proposal)).toEqual([]);
    expect(proposal.verified).toBe(true);
    expect(proposal.checks.map((c) => c.name)).toEqual(['intent', 'target', 'mesh', 'validation', 'dry-run', 'diff', 'fulfilled', 'analyzers']);
  });

  it('is not verified for a target that does not exist', () => {
    const proposal = propose(intent({ target: { namespace: 'builds', workload: 'artefact-store' } }), mesh);
    expect(proposal.verified).toBe(false);
    expect(failed(proposal)).toContain('target');
    expect(proposal.checks.find((c) => c.name === 'target')?.detail).toBe('no workload builds/artefact-store in the mesh');
  });

  it('is not verified for a method that is not an HTTP method or a path without "/"', () => {
    const lower = propose(intent({ operations: [{ methods: ['get'], paths: ['/artifacts/*'] }] }), mesh);
    expect(failed(lower)).toContain('intent');
    expect(lower.checks.find((c) => c.name === 'intent')?.detail).toContain('write "GET"');
    expect(failed(propose(intent({ operations: [{ methods: ['FETCH'] }] }), mesh))).toContain('intent');
    const path = propose(intent({ operations: [{ methods: ['GET'], paths: ['artifacts/*'] }] }), mesh);
    expect(path.verified).toBe(false);
    expect(path.checks.find((c) => c.name === 'intent')?.detail).toContain('paths start with "/"');
  });

  it('is not verified when the diff is empty (the access already exists)', () => {
    const proposal = propose(intent({ subjects: [{ serviceAccount: 'builds/build-trigger' }], operations: [{ methods: ['GET'] }] }), mesh);
    expect(proposal.diff.changes).toEqual([]);
    expect(failed(proposal)).toContain('diff');
  });

  it('reports Gerrit groups as unknown without a Gerrit source, and fails on a group Gerrit does not have', () => {
    const groups = intent({ subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] });
    const unknown = propose(groups, mesh);
    expect(unknown.checks.find((c) => c.name === 'gerrit-groups')).toEqual({ name: 'gerrit-groups', ok: null, detail: 'unknown: no Gerrit source to check release-managers' });
    expect(unknown.verified).toBe(true);
    const absent = propose(groups, mesh, { gerritGroups: new Map([['release-managers', false]]) });
    expect(absent.verified).toBe(false);
    expect(absent.checks.find((c) => c.name === 'gerrit-groups')?.detail).toBe('no Gerrit group release-managers');
    expect(propose(groups, mesh, { gerritGroups: new Map([['release-managers', true]]) }).verified).toBe(true);
  });

  it('dry-runs against the mesh it is given: a namespace the mesh does not have is rejected', () => {
    const orphan = `${MESH_TEXT}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache, namespace: orphan}\nspec:\n  template:\n    metadata: {labels: {app: cache}}\n    spec: {containers: [{name: app, ports: [{containerPort: 6379}]}]}\n`;
    const proposal = propose(intent({ target: { namespace: 'orphan', workload: 'cache' }, operations: [{ ports: ['6379'] }] }), parseMesh([{ file: 'mesh.yaml', text: orphan }]).mesh);
    expect(failed(proposal)).toContain('dry-run');
    expect(proposal.dryRun.results[0]?.errors).toContainEqual({ field: 'metadata.namespace', message: 'namespaces "orphan" not found in the mesh snapshot' });
  });

  it('is not verified when the resulting mesh has an analyzer error it did not have', () => {
    const proposal = propose(intent({ subjects: [{ namespace: 'no-such-namespace' }] }), mesh, { sources: SOURCES });
    expect(failed(proposal)).toContain('analyzers');
    expect(proposal.newErrors.map((f) => f.code)).toContain('GIC102');
  });

  it('is not verified on a mesh with input errors unless they are accepted', () => {
    const broken = readMeshInput([...SOURCES, { file: 'broken.yaml', text: 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n' }]);
    expect(broken.inputErrors).toHaveLength(1);
    expect(failed(propose(intent(), broken.mesh, { inputErrors: broken.inputErrors }))).toEqual(['mesh']);
    expect(propose(intent(), broken.mesh, { inputErrors: broken.inputErrors, acceptInputErrors: true }).verified).toBe(true);
  });
});

describe('propose: extending an existing policy', () => {
  it("keeps the policy's comments and appends the new rules after its own", () => {
    const commented = MESH_TEXT.replace('  rules:\n    - from: [{source: {principals: [cluster.local/ns/ci/sa/runner]}}]', '  rules:\n    # CI reads build status (ticket OPS-12)\n    - from: [{source: {principals: [cluster.local/ns/ci/sa/runner]}}]');
    expect(commented).not.toBe(MESH_TEXT);
    const sources = [{ file: 'mesh.yaml', text: commented }];
    const proposal = propose(intent({ target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] }), parseMesh(sources).mesh, { sources });
    expect(proposal.extends).toBe('builds/build-trigger-allow');
    expect(proposal.yaml).toContain('# CI reads build status (ticket OPS-12)');
    expect(proposal.yaml).toContain('- from: [{source: {principals: [cluster.local/ns/ci/sa/runner]}}]\n      to: [{operation: {methods: [GET], paths: [/api/builds*]}}]');
    expect(proposal.yaml.indexOf('methods: [GET]')).toBeLessThan(proposal.yaml.lastIndexOf('- POST'));
    expect(proposal.verified).toBe(true);
  });

  it('never merges rules into a policy about other callers and other operations', () => {
    const proposal = propose(intent({ subjects: [{ serviceAccount: 'ops/dashboard' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['GET'], paths: ['/metrics'] }] }), mesh, { sources: SOURCES });
    expect(proposal.extends).toBeUndefined();
    expect(proposal.name).not.toBe('build-trigger-allow');
  });
});
