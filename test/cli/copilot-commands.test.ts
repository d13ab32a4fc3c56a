// The copilot commands through the real `gic` binary on the demo mesh and the demo Gerrit snapshot:
// `gic propose` stores a proposal and prints its id with the evidence (exit 3 when it is not
// verified), `gic explain` answers from the engine's facts, `gic submit` refuses an unverified proposal
// (exit 3) and needs Gerrit and a policy repository (exit 2), input errors exit 3 unless
// --allow-input-errors, and every call is in the audit log that `gic audit verify` checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from './run-gic.js';

let dir: string;
const grant = { action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['DELETE'], paths: ['/api/builds/*'] }] };
const common = (): string[] => ['--data-dir', join(dir, 'data'), '--gerrit-snapshot', 'examples/demo-gerrit'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gic-copilot-cli-'));
  writeFileSync(join(dir, 'intent.json'), JSON.stringify(grant));
  writeFileSync(join(dir, 'missing-group.json'), JSON.stringify({ ...grant, subjects: [{ gerritGroup: 'release-manager' }] }));
  writeFileSync(join(dir, 'broken.yaml'), 'kind: [unclosed\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case runs the CLI several times; a busy 2-core machine needs the room.
describe('gic propose, explain, submit', { timeout: 180_000 }, () => {
  it('propose stores a verified proposal and prints its id with the evidence; explain answers from the facts', async () => {
    const run = await runGic(['propose', '--intent', join(dir, 'intent.json'), '--mesh', 'examples/demo-mesh', ...common(), '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = jsonOf(run) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['yaml', 'verified', 'validation', 'dryRun', 'diff', 'unintended', 'warnings', 'proposal', 'groups', 'inputErrors', 'findings', 'blockers', 'policy', 'intent']));
    expect(out['verified']).toBe(true);
    expect(out['proposal']).toMatch(/^[0-9a-f-]{36}$/);
    expect(out['groups']).toEqual([{ name: 'release-managers', status: 'exists', uuid: '19ec0da2704ba2bbd91c70d525cf8cc83b29c291' }]);

    const explain = await runGic(['explain', '--mesh', 'examples/demo-mesh', '--request', '@examples/requests/developer-triggers-build.json', ...common(), '-o', 'json']);
    expect(explain.code, explain.stderr).toBe(0);
    expect(jsonOf(explain)).toMatchObject({ by: 'template', decision: { decision: 'DENY' }, subject: { kind: 'request' }, inputErrors: [] });

    const audit = await runGic(['audit', 'verify', '--data-dir', join(dir, 'data'), '-o', 'json']);
    expect(jsonOf(audit)).toMatchObject({ ok: true, entries: 2 });
  });

  it('submit refuses an unverified proposal with exit 3, and needs Gerrit and a policy repository (exit 2)', async () => {
    const run = await runGic(['propose', '--intent', join(dir, 'missing-group.json'), '--mesh', 'examples/demo-mesh', ...common(), '-o', 'json']);
    // Fail closed: an unverified proposal is printed (and stored) but exits 3.
    expect(run.code).toBe(3);
    const out = jsonOf(run) as { verified: boolean; proposal: string; blockers: string[] };
    expect(out.verified).toBe(false);
    expect(out.blockers[0]).toContain('closest: release-managers');
    const refused = await runGic(['submit', out.proposal, ...common(), '-o', 'json']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('is not verified, so it cannot be submitted');
    const verified = jsonOf(await runGic(['propose', '--intent', join(dir, 'intent.json'), '--mesh', 'examples/demo-mesh', ...common(), '-o', 'json'])) as { proposal: string };
    const unconfigured = await runGic(['submit', verified.proposal, ...common(), '-o', 'json']);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('no Gerrit configured for submitting');
    const unknown = await runGic(['submit', 'no-such-proposal', ...common()]);
    expect(unknown.code).toBe(4);
  });

  it('input errors in the mesh exit 3 unless --allow-input-errors, and are reported either way', async () => {
    const args = ['propose', '--intent', join(dir, 'intent.json'), '--mesh', 'examples/demo-mesh', '--mesh', join(dir, 'broken.yaml'), ...common(), '-o', 'json'];
    const strict = await runGic(args);
    expect(strict.code).toBe(3);
    const out = jsonOf(strict) as { verified: boolean; inputErrors: { file: string }[] };
    expect(out.verified).toBe(false);
    expect(out.inputErrors[0]?.file).toBe(join(dir, 'broken.yaml'));
    // Accepted input errors still leave the proposal unverified: exit 3 all the same.
    const allowed = await runGic([...args, '--allow-input-errors']);
    expect(allowed.code).toBe(3);
    expect((jsonOf(allowed) as { inputErrors: unknown[] }).inputErrors.length).toBeGreaterThan(0);
  });

  it('draft without a model refuses and says how to configure one; usage errors exit 2', async () => {
    const draft = await runGic(['draft', 'let release-managers DELETE builds', '--mesh', 'examples/demo-mesh', ...common()]);
    expect(draft.code).toBe(5);
    expect(draft.stderr).toContain('no model configured');
    expect((await runGic(['explain', '--mesh', 'examples/demo-mesh', ...common()])).code).toBe(2);
    expect((await runGic(['explain', '--policy', 'builds/x', ...common()])).code).toBe(2);
  });
});
