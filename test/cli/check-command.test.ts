// `gic check` through the real binary: the cli.md result shape, --request JSON and @file, --requests
// in jsonl mode (a bad line yields an error line, the others still run, exit 2), bad request JSON
// (exit 2 naming the field), unreadable input (exit 4), usage errors (exit 2) and human output.
import { describe, expect, it } from 'vitest';

import { jsonOf, runGic } from './run-gic.js';

const MESH = 'test/cli/fixtures/mesh';
const request = (method: string, path: string): string =>
  JSON.stringify({ to: { namespace: 'foo', workload: 'httpbin', port: 8000 }, from: { namespace: 'bar', workload: 'sleep' }, method, path });

interface Result {
  decision: string;
  protocol: string;
  provider?: string;
  reasons: { policy: string; action: string; rule?: number; message: string }[];
  trace: string[];
}

describe('gic check', () => {
  it('prints exactly the cli.md result keys and decides by the mesh read recursively', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', request('GET', '/api/status?verbose=1'), '-o', 'json']);
    expect(run.code).toBe(0);
    const result = jsonOf(run) as Result;
    expect(Object.keys(result)).toEqual(['decision', 'protocol', 'reasons', 'trace']);
    expect(result.decision).toBe('ALLOW');
    expect(result.protocol).toBe('http');
    expect(result.reasons[0]).toMatchObject({ policy: 'foo/httpbin-get', action: 'ALLOW', rule: 0 });
    expect(result.trace.length).toBeGreaterThan(0);
  });

  it('denies by default when an ALLOW policy exists and none of its rules match, exit 0', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', request('POST', '/api/status'), '-o', 'json']);
    expect(run.code).toBe(0);
    const result = jsonOf(run) as Result;
    expect(result.decision).toBe('DENY');
    expect(result.reasons.map((r) => r.policy)).toEqual(['foo/httpbin-get']);
  });

  it('takes --mesh more than once; malformed mesh YAML is an input error that makes the answer exit 3 unless accepted', async () => {
    const args = ['check', '--mesh', MESH, '--mesh', 'test/cli/fixtures/malformed.yaml', '--request', request('GET', '/api/x'), '-o', 'json'];
    const run = await runGic(args);
    expect(run.code).toBe(3);
    const result = jsonOf(run) as Result & { inputErrors: { file: string; line: number; field: string; rule: string; message: string }[] };
    expect(result.decision).toBe('ALLOW');
    expect(result.inputErrors[0]).toMatchObject({ rule: 'yaml.syntax', file: 'test/cli/fixtures/malformed.yaml', field: '' });
    expect(result.inputErrors[0]?.line).toBeGreaterThanOrEqual(10);
    const log = run.stderr.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.some((l) => /the mesh has \d+ input errors? /.test(String(l['msg'])))).toBe(true);
    const accepted = await runGic([...args, '--allow-input-errors']);
    expect(accepted.code).toBe(0);
    expect((jsonOf(accepted) as { inputErrors: unknown[] }).inputErrors).toEqual(result.inputErrors);
  });

  it('reads the request from @file', async () => {
    const run = await runGic(['check', '--mesh', 'examples/demo-mesh', '--request', '@examples/requests/ci-reads-change.json', '-o', 'json']);
    expect(run.code).toBe(0);
    expect((jsonOf(run) as Result).decision).toBe('ALLOW');
  });

  it('exits 2 naming the field when the request fails the schema', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', '{"to":{"namespace":"foo","workload":"httpbin","port":"8000"}}', '-o', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('to.port');
  });

  it('exits 2 on request text that is not JSON, and on unknown request fields', async () => {
    const notJson = await runGic(['check', '--mesh', MESH, '--request', '{"to":', '-o', 'json']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('not valid JSON');
    const unknown = await runGic(['check', '--mesh', MESH, '--request', '{"to":{"namespace":"foo","port":8000},"verb":"GET"}', '-o', 'json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('verb');
  });

  it('exits 4 when the mesh or the request file cannot be read', async () => {
    const mesh = await runGic(['check', '--mesh', 'test/cli/fixtures/no-such-dir', '--request', request('GET', '/'), '-o', 'json']);
    expect(mesh.code).toBe(4);
    expect(mesh.stderr).toContain('test/cli/fixtures/no-such-dir: no such file or directory');
    const file = await runGic(['check', '--mesh', MESH, '--request', '@test/cli/fixtures/no-such-request.json', '-o', 'json']);
    expect(file.code).toBe(4);
    expect(file.stderr).toContain('no-such-request.json');
  });

  it('exits 2 without --mesh, or with both or neither of --request and --requests', async () => {
    expect((await runGic(['check', '--request', request('GET', '/')])).code).toBe(2);
    expect((await runGic(['check', '--mesh', MESH])).code).toBe(2);
    const both = await runGic(['check', '--mesh', MESH, '--request', request('GET', '/'), '--requests', 'test/cli/fixtures/requests.jsonl']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --request or --requests');
  });

  it('answers a jsonl batch line by line: results, error lines for bad lines, exit 2', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--requests', 'test/cli/fixtures/requests.jsonl', '-o', 'jsonl']);
    expect(run.code).toBe(2);
    const lines = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]?.['decision']).toBe('ALLOW');
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'bad-request' } });
    expect(lines[2]).toMatchObject({ line: 4, error: { code: 'bad-request' } });
    expect(String((lines[2]?.['error'] as { message: string }).message)).toContain('to.port');
    expect(lines[3]?.['decision']).toBe('DENY');
  });

  it('exits 0 for a batch whose lines are all valid, reading it from stdin', async () => {
    const batch = `${request('GET', '/api/a')}\n${request('DELETE', '/api/a')}\n`;
    const run = await runGic(['check', '--mesh', MESH, '--requests', '-', '-o', 'jsonl'], { stdin: batch });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as Result).decision)).toEqual(['ALLOW', 'DENY']);
  });

  it('prints the decision, the deciding reasons and the trace in the human format', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', request('GET', '/api/x'), '-o', 'human']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ALLOW \(http\)\n/);
    expect(run.stdout).toContain('Reasons:\n  ALLOW foo/httpbin-get rule 0:');
    expect(run.stdout).toMatch(/Trace:\n {2}1\. /);
  });
});
