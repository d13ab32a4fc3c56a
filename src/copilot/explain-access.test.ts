import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { copilotDeps, REPO } from '../../test/support/copilot-fixture.js';
import { explainAccess } from './explain-access.js';

const ctx = { actor: 'user:alice', action: 'gic explain' };
const request = (name: string): unknown => JSON.parse(readFileSync(join(REPO, 'examples', 'requests', `${name}.json`), 'utf8'));

describe('explain without a model (template text)', () => {
  it('a request: the engine decision, the deciding policy with file and line, the trace', async () => {
    const deps = await copilotDeps();
    const result = await explainAccess(deps, { subject: { request: request('developer-triggers-build') } }, ctx);
    expect(result.by).toBe('template');
    expect(result.decision?.decision).toBe('DENY');
    const reason = result.facts.find((f) => f.kind === 'reason');
    expect(reason).toMatchObject({ policy: 'builds/build-trigger-allow', source: expect.stringMatching(/30-builds\.yaml:\d+$/) });
    expect(result.facts.some((f) => f.kind === 'trace')).toBe(true);
    expect(result.text).toContain('is denied (DENY)');
    expect(result.text).toContain('builds/build-trigger-allow');
    expect(result.fallback).toBeUndefined();
    expect((await deps.store.listAudit())[0]).toMatchObject({ action: 'gic explain', outcome: 'ok', evidence: { subject: 'request', by: 'template', decision: 'DENY' } });
  });

  it('a policy: attachment, each rule with its line, the workloads it decides for, and its findings with witnesses', async () => {
    const result = await explainAccess(await copilotDeps(), { subject: { policy: 'builds/artifact-store-uploads' } }, ctx);
    expect(result.facts.filter((f) => f.kind === 'rule').map((f) => f.text)).toEqual(['rule 0: from namespaces [ci]', 'rule 1: to methods [PUT] paths [/uploads/*]']);
    expect(result.facts.some((f) => f.kind === 'attachment' && f.text.includes('builds/artifact-store'))).toBe(true);
    const split = result.findings.find((f) => f.code === 'GIC115');
    expect(split?.witness).toBeDefined();
    expect(result.facts.some((f) => f.kind === 'finding' && f.finding?.code === 'GIC115')).toBe(true);
    expect(result.text).toContain('GIC115');
  });

  it('a workload: mTLS mode, token checks and the policies that decide', async () => {
    const result = await explainAccess(await copilotDeps(), { subject: { workload: 'builds/build-trigger' } }, ctx);
    expect(result.facts.find((f) => f.kind === 'mtls')?.text).toMatch(/^mTLS mode STRICT/);
    expect(result.facts.filter((f) => f.kind === 'policy').map((f) => f.policy)).toEqual(expect.arrayContaining(['builds/build-trigger-allow', 'builds/no-build-deletion']));
    expect(result.facts.find((f) => f.kind === 'jwt')?.text).toContain('builds/idp-jwt');
  });

  it('names that do not exist are not-found with the closest names; bad input is a bad request', async () => {
    const deps = await copilotDeps();
    await expect(explainAccess(deps, { subject: { workload: 'docs/docs' } }, ctx)).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('docs/docs-site') });
    await expect(explainAccess(deps, { subject: { policy: 'builds/build-trigger-alow' } }, ctx)).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('builds/build-trigger-allow') });
    await expect(explainAccess(deps, { subject: { policy: 'no-slash' } }, ctx)).rejects.toMatchObject({ code: 'bad-request' });
    await expect(explainAccess(deps, { subject: { request: { to: { namespace: 'builds' }, method: 7 } } }, ctx)).rejects.toMatchObject({ code: 'bad-request' });
  });
});
