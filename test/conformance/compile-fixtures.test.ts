// Intent compiler (src/policy/compile): golden pairs (<case>-intent.json -> <case>-policy.yaml, on the
// mesh test/fixtures/istio/compile/mesh.yaml), round trips (the proposal verifies, and requests built
// from the intent's subjects and operations decide as the intent says on mesh + proposal), and
// unintended-effect detection (a first ALLOW on a workload also closes everything else: not verified).
// GIC_UPDATE_GOLDEN=1 writes the golden YAML (review it); without it a missing golden file fails.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { compileIntent } from '../../src/policy/compile/compile-intent.js';
import { type Intent, IntentSchema, type Subject } from '../../src/policy/compile/intent.js';
import { propose, withPolicy } from '../../src/policy/compile/propose.js';
import type { AccessRequest } from '../../src/policy/evaluate/access-request.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { parseMesh } from '../../src/policy/parse/parse-mesh.js';

const DIR = join(import.meta.dirname, '../fixtures/istio/compile');
const { mesh } = parseMesh([{ file: 'mesh.yaml', text: readFileSync(join(DIR, 'mesh.yaml'), 'utf8') }]);
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith('-intent.json'))
  .map((f) => f.slice(0, -'-intent.json'.length))
  .sort();
const intentOf = (name: string): Intent => IntentSchema.parse(JSON.parse(readFileSync(join(DIR, `${name}-intent.json`), 'utf8')));

/** Requests the intent speaks about: each subject x each operation. */
function samples(intent: Intent): AccessRequest[] {
  const out: AccessRequest[] = [];
  const subjects: Subject[] = intent.subjects;
  for (const s of subjects) {
    for (const op of intent.operations ?? [{}]) {
      const req: Record<string, unknown> = {
        to: { namespace: intent.target.namespace, workload: intent.target.workload, ...(op.ports !== undefined ? { port: Number(op.ports[0]) } : {}), protocol: 'http' },
        method: op.methods?.[0] ?? 'GET',
        path: (op.paths?.[0] ?? '/').replace('*', 'x'),
      };
      if ('serviceAccount' in s) req['from'] = { principal: `cluster.local/ns/${s.serviceAccount.replace('/', '/sa/')}` };
      else if ('namespace' in s) req['from'] = { principal: `cluster.local/ns/${s.namespace}/sa/default` };
      else if ('gerritGroup' in s) req['jwt'] = { iss: 'https://idp.example.com', sub: 'alice', claims: { [intent.groupsClaim ?? 'groups']: [s.gerritGroup] } };
      else if ('anyone' in s) req['from'] = { principal: 'cluster.local/ns/elsewhere/sa/someone' };
      out.push(req as AccessRequest);
    }
  }
  return out;
}

describe('intent compiler golden pairs', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(2));
  for (const name of cases) {
    it(`${name}: compiles to the golden policy, deterministically`, () => {
      const intent = intentOf(name);
      const first = compileIntent(intent, mesh);
      expect(compileIntent(intent, mesh).yaml).toBe(first.yaml);
      const golden = join(DIR, `${name}-policy.yaml`);
      if (process.env['GIC_UPDATE_GOLDEN'] === '1') writeFileSync(golden, first.yaml);
      expect(existsSync(golden), `${golden} is missing: run with GIC_UPDATE_GOLDEN=1 and review the file`).toBe(true);
      expect(first.yaml).toBe(readFileSync(golden, 'utf8'));
      expect(first.yaml.startsWith('# gic intent: ')).toBe(true);
    });
  }
});

describe('intent compiler round trips and verification', () => {
  for (const name of cases.filter((n) => !n.startsWith('unintended'))) {
    it(`${name}: verifies, and the intent's requests decide as intended`, () => {
      const intent = intentOf(name);
      const proposal = propose(intent, mesh);
      expect(proposal.validation.summary.errors).toBe(0);
      expect(proposal.dryRun.results.every((r) => r.accepted && r.mode === 'offline')).toBe(true);
      expect(proposal.unintended).toEqual([]);
      expect(proposal.verified).toBe(true);
      expect(proposal.diff.changes.length).toBeGreaterThan(0);
      const policy = parseMesh([{ file: 'p.yaml', text: proposal.yaml }]).mesh.authorizationPolicies[0];
      expect(policy).toBeDefined();
      const after = compileMesh(withPolicy(mesh, policy!));
      for (const request of samples(intent)) {
        const decision = evaluateRequest(after, request).decision;
        if (intent.action === 'allow') expect(decision, JSON.stringify(request)).toBe('ALLOW');
        else expect(decision, JSON.stringify(request)).toBe('DENY');
      }
    });
  }

  it('an ALLOW that also closes the workload to everyone else is not verified', () => {
    const proposal = propose(intentOf('unintended-first-allow'), mesh);
    expect(proposal.validation.summary.errors).toBe(0);
    expect(proposal.verified).toBe(false);
    expect(proposal.unintended.length).toBeGreaterThan(0);
    expect(proposal.unintended.every((c) => c.after === 'DENY')).toBe(true);
  });

  it('warns when no RequestAuthentication covers a group rule', () => {
    const proposal = propose(intentOf('unintended-first-allow'), mesh);
    expect(proposal.warnings.some((w) => w.includes('no RequestAuthentication'))).toBe(true);
    expect(propose(intentOf('extend-group'), mesh).warnings).toEqual([]);
  });

  it('extends the existing policy of the same workload and action', () => {
    const compiled = compileIntent(intentOf('extend-group'), mesh);
    expect(compiled.extends).toBe('builds/build-trigger-allow');
    expect(compiled.name).toBe('build-trigger-allow');
  });

  it('rejects an intent with two targets', () => {
    expect(IntentSchema.safeParse({ action: 'allow', subjects: [{ anyone: true }], target: { namespace: 'a', workload: 'x', gateway: 'g' } }).success).toBe(false);
  });
});
