// `gic chat` end to end through the real binary, on the demo mesh and the demo Gerrit snapshot, with
// the scripted model server as the model: through a pipe (NO_COLOR: no escape sequence at all) a
// multi-line request names a group that does not exist, gic asks with the closest names, the answer
// gets a verified proposal, /yaml and /diff show it; through a pseudo-terminal (util-linux `script`)
// the same output is coloured, and NO_COLOR turns colour off there too.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { REPO_ROOT, runGic } from '../cli/run-gic.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';

let server: ScriptedModelServer;
let dir: string;
beforeAll(async () => {
  server = await createScriptedModelServer();
  dir = mkdtempSync(join(tmpdir(), 'gic-chat-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

const ESC = '\u001B';
const wrongGroup = { action: 'allow', who: [{ kind: 'group', name: 'release-manager-team' }], namespace: 'builds', workload: 'build-trigger', methods: ['POST'], paths: ['/api/builds'] };
const rightGroup = { ...wrongGroup, who: [{ kind: 'group', name: 'release-managers' }] };

function common(data: string): string[] {
  return ['chat', '--mesh', 'examples/demo-mesh', '--gerrit-snapshot', 'examples/demo-gerrit', '--data-dir', join(dir, data), '--model-url', server.baseUrl, '--model', 'scripted-model', '--chat-mode', 'draft'];
}

/** Runs `gic chat` inside a pseudo-terminal (util-linux `script`), feeding `input`. */
function runInPty(args: readonly string[], input: string, env: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; output: string }> {
  const quoted = ['node', 'bin/gic.js', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const { NO_COLOR: _dropped, ...inherited } = process.env;
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], { cwd: REPO_ROOT, env: { ...inherited, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}

describe('gic chat', { timeout: 180_000 }, () => {
  it('through a pipe: a multi-line request, a clarifying question, the answer, a verified proposal, /yaml and /diff, no colour', async () => {
    server.setScript([{ kind: 'json', value: wrongGroup }, { kind: 'json', value: rightGroup }]);
    const input = ['"""', 'let the release-manager-team trigger builds on build-trigger', 'only POST /api/builds', '"""', 'I meant \\', 'release-managers', '/yaml', '/diff', '/bogus', ''].join('\n');
    const run = await runGic(common('pipe'), { stdin: input, env: { NO_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain(ESC);
    expect(run.stdout).toContain('? There is no Gerrit group "release-manager-team". Which group did you mean? (release-managers)');
    expect(run.stdout).toMatch(/proposal \S+ for builds\/allow-build-trigger-release-managers-[0-9a-f]+: verified/);
    expect(run.stdout).toMatch(/^ 1 {2}# gic intent: allow group release-managers to POST \/api\/builds on builds\/build-trigger$/m);
    expect(run.stdout).toMatch(/^ ?\d+ {2}kind: AuthorizationPolicy$/m);
    expect(run.stdout).toContain('+ granted builds/build-trigger (DENY -> ALLOW)');
    expect(run.stdout).toContain('unknown command /bogus');
    expect(run.stdout).toMatch(/conversation \S+\n$/);
    // The multi-line block was one message, and the continued line joined the next one.
    const prompts = server.requests().filter((r) => r.path === '/v1/chat/completions').map((r) => JSON.stringify(r.body));
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toContain('let the release-manager-team trigger builds on build-trigger\\nonly POST /api/builds');
    expect(prompts[1]).toContain('I meant \\nrelease-managers');
  });

  it('in a pseudo-terminal: coloured output, and none with NO_COLOR', async () => {
    const intent = join(dir, 'intent.json');
    writeFileSync(intent, JSON.stringify({ action: 'allow', subjects: [{ gerritGroup: 'release-managers' }], target: { namespace: 'builds', workload: 'build-trigger' }, operations: [{ methods: ['POST'], paths: ['/api/builds'] }] }));
    const input = `/propose ${intent}\n/diff\n/quit\n`;
    const coloured = await runInPty(common('pty'), input);
    expect(coloured.code, coloured.output).toBe(0);
    expect(coloured.output).toContain(`${ESC}[32m+ granted${ESC}[0m builds/build-trigger`);
    expect(coloured.output).toContain('you> ');
    const plain = await runInPty(common('pty-plain'), input, { NO_COLOR: '1' });
    expect(plain.code, plain.output).toBe(0);
    expect(plain.output).toContain('+ granted builds/build-trigger (DENY -> ALLOW)');
    expect(plain.output).not.toContain(`${ESC}[`);
  });

  it('with tool calling: the tool steps show, the answer streams, and escape sequences in it are removed', async () => {
    {
      server.setScript([
        { kind: 'tool-calls', calls: [{ name: 'policy_check_access', arguments: { request: { to: { namespace: 'builds', workload: 'build-trigger', port: 8080 }, from: { namespace: 'ci', workload: 'build-runner' }, method: 'POST', path: '/api/builds' } } }] },
        { kind: 'text', text: 'Denied.\u001B]0;pwned\u0007\u001B[2J Ask the release managers.', stream: { chunkChars: 4 } },
      ]);
    }
    const args = common('tools').map((a) => (a === 'draft' ? 'auto' : a));
    const run = await runGic(args, { stdin: 'can ci/build-runner POST /api/builds on builds/build-trigger?\n', env: { NO_COLOR: '1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain(ESC);
    expect(run.stdout).toContain('[tool policy_check_access]');
    expect(run.stdout).toMatch(/\[policy_check_access answered: DENY/);
    expect(run.stdout).toContain('Denied.]0;pwned[2J Ask the release managers.');
  });

  it('refuses a conversation that does not exist', async () => {
    const run = await runGic([...common('missing'), '--conversation', 'nope'], { stdin: '' });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('no conversation nope');
  });
});
