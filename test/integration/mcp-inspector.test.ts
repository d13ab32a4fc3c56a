// A client nobody here wrote drives gic: the MCP Inspector CLI (@modelcontextprotocol/inspector, its
// own client code, Node >= 22.19) starts `gic mcp` over stdio, lists the tools and calls
// policy_check_access, and reads a resource. Its catalog and secrets go to a temporary HOME.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../cli/run-gic.js';
import { serverEnv } from '../support/gic-mcp-process.js';

const INSPECTOR = join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');

function inspector(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'gic-inspector-'));
  const env = serverEnv(join(home, 'data'), { HOME: home, MCP_CATALOG_PATH: join(home, 'mcp.json') });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INSPECTOR, '--cli', process.execPath, join(REPO_ROOT, 'bin', 'gic.js'), 'mcp', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the MCP Inspector CLI drives gic mcp over stdio', () => {
  it('lists the tools with their schemas and annotations', async () => {
    const run = await inspector(['--method', 'tools/list']);
    expect(run.code, run.stderr).toBe(0);
    const { tools } = JSON.parse(run.stdout) as { tools: { name: string; inputSchema: { type: string }; outputSchema?: { type: string }; annotations?: { readOnlyHint?: boolean } }[] };
    expect(tools).toHaveLength(14);
    const check = tools.find((t) => t.name === 'policy_check_access');
    expect(check).toMatchObject({ inputSchema: { type: 'object' }, outputSchema: { type: 'object' }, annotations: { readOnlyHint: true } });
  });

  it('calls policy_check_access and gets the decision as structuredContent', async () => {
    const request = { to: { namespace: 'builds', workload: 'build-trigger', port: 8080 }, from: { namespace: 'ci', workload: 'build-runner' }, method: 'POST', path: '/api/builds' };
    const run = await inspector(['--method', 'tools/call', '--tool-name', 'policy_check_access', '--tool-arg', `request=${JSON.stringify(request)}`]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { isError?: boolean; structuredContent: { decision: string; reasons: { policy: string }[] } };
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.decision).toBe('DENY');
    expect(result.structuredContent.reasons[0]?.policy).toBe('builds/build-trigger-allow');
  });

  it('reads a policy resource', async () => {
    const run = await inspector(['--method', 'resources/read', '--uri', 'gic://policies/builds/build-trigger-allow']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('kind: AuthorizationPolicy');
  });
});
