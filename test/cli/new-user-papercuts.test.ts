// What a new user hit (issue 10 §6), through the real binary: `gic groups` alone lists its
// subcommands; help shows no empty env name; "1 member"; validate/analyze of a directory with no objects
// say so and exit 4; a misused Gerrit snapshot path exits 4 in gic's words; unknown and repeated flags
// are usage errors in gic's words; a symbolic link loop is skipped with a warning; an unclosed quote is
// reported where it opened; logs are human lines with --log-format human and JSON lines otherwise.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { jsonOf, runGic } from './run-gic.js';

const tmp = mkdtempSync(join(tmpdir(), 'gic-papercuts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('new-user papercuts', () => {
  it('`gic groups` alone lists its subcommands (exit 2), `gic groups --help` too (exit 0)', async () => {
    const alone = await runGic(['groups']);
    expect(alone.code).toBe(2);
    expect(alone.stdout).toContain('Usage: gic groups SUBCOMMAND');
    expect(alone.stdout).toMatch(/ {2}groups list {2}/);
    expect(alone.stdout).toMatch(/ {2}groups show {2}/);
    expect((await runGic(['groups', '--help'])).code).toBe(0);
    const unknown = await runGic(['groups', 'lsit']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown subcommand "lsit"');
  });

  it('shows no empty env name in help (--context has no environment variable)', async () => {
    for (const command of ['groups list', 'groups show', 'dry-run']) {
      const run = await runGic([...command.split(' '), '--help']);
      expect(run.stdout).not.toContain('(env )');
      expect(run.stdout).toMatch(/--context NAME +kubeconfig context to use\n/);
    }
  });

  it('says "1 member", not "1 members"', async () => {
    const run = await runGic(['groups', 'list', '--gerrit-snapshot', 'examples/demo-gerrit', '-o', 'human']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/\b1 members\b/);
    const counts = jsonOf(await runGic(['groups', 'list', '--gerrit-snapshot', 'examples/demo-gerrit', '-o', 'json'])) as { groups: { name: string; members: number }[] };
    const single = counts.groups.find((g) => g.members === 1);
    if (single !== undefined) expect(run.stdout).toMatch(new RegExp(`${single.name} +1 member `));
    expect(run.stdout).toMatch(/\d+ members? /);
  });

  it('refuses to validate or analyze a directory with no objects, saying so (exit 4)', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(join(empty, 'sub'), { recursive: true });
    writeFileSync(join(empty, 'sub', 'comments.yaml'), '# nothing here\n---\n');
    for (const args of [['validate', empty], ['analyze', '--mesh', empty]]) {
      const run = await runGic(args);
      expect(run.code, args.join(' ')).toBe(4);
      expect(run.stderr).toContain(`no objects in ${empty}: the files hold no documents`);
    }
    const none = join(tmp, 'none');
    mkdirSync(none);
    expect((await runGic(['validate', none])).stderr).toContain('no *.yaml, *.yml or *.json files');
  });

  it('exits 4 for a Gerrit snapshot path that holds no snapshot, without a library hint', async () => {
    const run = await runGic(['groups', 'list', '--gerrit-snapshot', 'examples/demo-mesh']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('is not a Gerrit snapshot file');
    expect(run.stderr).toContain('such as examples/demo-gerrit');
    expect(run.stderr).not.toMatch(/parseAllDocuments|YAML\.|please use/);
  });

  it('words unknown flags and missing values in gic terms, suggesting the near flag', async () => {
    const unknown = await runGic(['check', '--mesg', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('gic check: unknown flag --mesg (did you mean --mesh?); gic check takes --mesh, --request');
    expect(unknown.stderr).not.toContain('positional argument');
    const missing = await runGic(['check', '--mesh']);
    expect(missing.stderr).toContain('gic check: --mesh PATH needs a value');
    const switchValue = await runGic(['dry-run', 'x.yaml', '--offline=yes']);
    expect(switchValue.stderr).toContain('--offline is a switch and takes no value');
  });

  it('refuses a single-value flag given twice instead of silently keeping the last', async () => {
    const run = await runGic(['check', '--mesh', 'test/cli/fixtures/mesh', '--request', '{}', '--request', '{}']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--request is given 2 times; it takes one value');
    expect((await runGic(['validate', 'test/cli/fixtures/policies/valid-policy.yaml', '-o', 'json', '-o', 'human'])).code).toBe(2);
  });

  it('skips a symbolic link loop in a mesh directory with a warning and reads the rest', async () => {
    const dir = join(tmp, 'loop');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'policy.yaml'), 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: foo}\nspec: {}\n');
    symlinkSync('..', join(dir, 'a', 'up'));
    symlinkSync('self', join(dir, 'self'));
    const run = await runGic(['validate', dir, '-o', 'json']);
    expect(run.code).toBe(0);
    expect((jsonOf(run) as { summary: { resources: number } }).summary.resources).toBe(1);
    expect(run.stderr).toContain(`skipped ${join(dir, 'a', 'up')}: a symbolic link loop`);
    expect(run.stderr).toContain(`skipped ${join(dir, 'self')}: a symbolic link loop`);
  });

  it('reports an unclosed quote at the line where it opened', async () => {
    const file = join(tmp, 'quote.yaml');
    writeFileSync(file, 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: "p\n  namespace: foo\nspec:\n  action: ALLOW\n\n\n');
    const run = await runGic(['validate', file, '-o', 'json']);
    const report = jsonOf(run) as { resources: { errors: { rule: string; line: number; message: string }[] }[] };
    expect(report.resources[0]?.errors[0]).toMatchObject({ rule: 'yaml.syntax', line: 4 });
    expect(report.resources[0]?.errors[0]?.message).toContain('unclosed quote');
  });

  it('logs JSON lines when stderr is not a terminal, human lines with --log-format human', async () => {
    const args = ['check', '--mesh', 'test/cli/fixtures/mesh', '--mesh', 'test/cli/fixtures/malformed.yaml', '--request', '{"to":{"namespace":"foo","workload":"httpbin","port":8000}}', '-o', 'json'];
    const json = await runGic(args);
    expect(() => JSON.parse(json.stderr.split('\n')[0]!)).not.toThrow();
    const human = await runGic([...args, '--log-format', 'human']);
    expect(human.stderr).toMatch(/^gic check: error: the mesh has \d+ input errors? \(listed under "inputErrors"\), first test\/cli\/fixtures\/malformed.yaml:/);
    expect((await runGic([...args, '--log-format', 'xml'])).code).toBe(2);
  });

  it('describes a gateway caller as a gateway in the trace, not as a sidecar', async () => {
    const request = '{"to":{"namespace":"gerrit","workload":"gerrit","port":8080},"from":{"namespace":"istio-ingress","workload":"istio-ingressgateway"},"method":"GET","path":"/"}';
    const result = jsonOf(await runGic(['check', '--mesh', 'examples/demo-mesh', '--request', request, '-o', 'json'])) as { trace: string[] };
    expect(result.trace[0]).toContain('caller: workload istio-ingress/istio-ingressgateway (gateway, identity ');
  });
});
