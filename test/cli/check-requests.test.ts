// `gic check` beyond the basics: names and ports checked against the mesh (unknown workload exit 4,
// missing port filled or exit 2, never "port none"), request values a proxy could receive (exit 2),
// `--exit-code`, `--no-trace`, `line` in every batch result (jsonl and json), and hostile batch lines
// (deep nesting, over-long lines, `__proto__`) answered with an error for that line only.
import { describe, expect, it } from 'vitest';

import { jsonOf, runGic } from './run-gic.js';

const MESH = 'test/cli/fixtures/mesh';
const req = (extra: Record<string, unknown> = {}, to: Record<string, unknown> = { namespace: 'foo', workload: 'httpbin', port: 8000 }): string =>
  JSON.stringify({ to, from: { namespace: 'bar', workload: 'sleep' }, method: 'GET', path: '/api/status', ...extra });

function jsonl(stdout: string): Record<string, unknown>[] {
  return stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('gic check names, ports and values', () => {
  it('exits 4 for a to.workload the mesh does not have, instead of answering about an empty stand-in', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', req({}, { namespace: 'foo', workload: 'httpbn', port: 8000 }), '-o', 'json']);
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('to.workload foo/httpbn is not a workload of the mesh (did you mean foo/httpbin?)');
  });

  it('exits 4 for a from.workload the mesh does not have', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', req({ from: { namespace: 'bar', workload: 'ghost' } }), '-o', 'json']);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('from.workload bar/ghost');
  });

  it("uses the workload's only port when to.port is missing", async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', req({}, { namespace: 'foo', workload: 'httpbin' }), '-o', 'json']);
    expect(run.code).toBe(0);
    const result = jsonOf(run) as { decision: string; trace: string[] };
    expect(result.decision).toBe('ALLOW');
    expect(result.trace[0]).toContain('port 8000');
    expect(result.trace.join('\n')).not.toContain('(none)');
  });

  it('exits 2 when to.port is missing and the workload has no single port', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--request', req({}, { namespace: 'bar', workload: 'sleep' }), '-o', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('to.port is missing and workload bar/sleep declares no container ports: give to.port');
  });

  it('exits 2 on an address, a principal or a path no proxy could receive, naming the field', async () => {
    for (const [extra, field] of [[{ sourceIp: '10.0.0.999' }, 'sourceIp'], [{ from: { principal: 'bar/sleep' } }, 'from.principal'], [{ path: 'api/status' }, 'path']] as const) {
      const run = await runGic(['check', '--mesh', MESH, '--request', req(extra), '-o', 'json']);
      expect(run.code, field).toBe(2);
      expect(run.stderr).toContain(`${field}: `);
    }
  });
});

describe('gic check for scripts', () => {
  it('--exit-code exits 3 on a decision other than ALLOW and 0 on ALLOW, like kubectl auth can-i', async () => {
    expect((await runGic(['check', '--mesh', MESH, '--request', req(), '--exit-code'])).code).toBe(0);
    const denied = await runGic(['check', '--mesh', MESH, '--request', req({ method: 'POST' }), '--exit-code', '-o', 'json']);
    expect(denied.code).toBe(3);
    expect((jsonOf(denied) as { decision: string }).decision).toBe('DENY');
    const batch = await runGic(['check', '--mesh', MESH, '--requests', '-', '--exit-code'], { stdin: `${req()}\n${req({ method: 'POST' })}\n` });
    expect(batch.code).toBe(3);
    expect((await runGic(['check', '--mesh', MESH, '--request', req({ method: 'POST' })])).code).toBe(0);
  });

  it('--no-trace leaves "trace" out of single and batch results', async () => {
    const single = jsonOf(await runGic(['check', '--mesh', MESH, '--request', req(), '--no-trace', '-o', 'json'])) as Record<string, unknown>;
    expect(Object.keys(single)).toEqual(['decision', 'protocol', 'reasons']);
    const batch = await runGic(['check', '--mesh', MESH, '--requests', '-', '--no-trace'], { stdin: `${req()}\n` });
    expect(Object.keys(jsonl(batch.stdout)[0]!)).toEqual(['line', 'decision', 'protocol', 'reasons']);
  });

  it('puts the 1-based input line in every batch result, blank lines counted, in jsonl and json', async () => {
    const stdin = `${req()}\n\n${req({ method: 'POST' })}\r\n{"to":{}}\n`;
    const run = await runGic(['check', '--mesh', MESH, '--requests', '-', '-o', 'jsonl'], { stdin });
    expect(run.code).toBe(2);
    expect(jsonl(run.stdout).map((l) => [l['line'], l['decision'] ?? (l['error'] as { code: string }).code])).toEqual([
      [1, 'ALLOW'],
      [3, 'DENY'],
      [4, 'bad-request'],
    ]);
    const array = jsonOf(await runGic(['check', '--mesh', MESH, '--requests', '-', '-o', 'json'], { stdin })) as { line: number }[];
    expect(array.map((r) => r.line)).toEqual([1, 3, 4]);
  });

  it('answers an unknown workload in a batch with a not-found line and exit 4, the other lines still decided', async () => {
    const run = await runGic(['check', '--mesh', MESH, '--requests', '-'], { stdin: `${req({}, { namespace: 'foo', workload: 'nope', port: 1 })}\n${req()}\n` });
    expect(run.code).toBe(4);
    const lines = jsonl(run.stdout);
    expect(lines[0]).toMatchObject({ line: 1, error: { code: 'not-found' } });
    expect(lines[1]).toMatchObject({ line: 2, decision: 'ALLOW' });
  });
});

describe('gic check on hostile batch lines', () => {
  it('answers a deeply nested line with exit 2 for that line only', async () => {
    const deep = `{"to":{"namespace":"foo","workload":"httpbin","port":8000},"jwt":{"claims":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`;
    const run = await runGic(['check', '--mesh', MESH, '--requests', '-'], { stdin: `${deep}\n${req()}\n` });
    expect(run.code).toBe(2);
    const lines = jsonl(run.stdout);
    expect(lines[0]).toMatchObject({ line: 1, error: { code: 'bad-request', message: 'line 1 is nested deeper than 32 levels; a request nests a few levels at most' } });
    expect(lines[1]).toMatchObject({ line: 2, decision: 'ALLOW' });
  });

  it('answers a line over the length limit without keeping it, and goes on', async () => {
    const long = `{"to":{"namespace":"foo"},"path":"/${'a'.repeat(1_100_000)}"}`;
    const run = await runGic(['check', '--mesh', MESH, '--requests', '-'], { stdin: `${long}\n${req()}\n` });
    expect(run.code).toBe(2);
    const lines = jsonl(run.stdout);
    expect((lines[0]?.['error'] as { message: string }).message).toMatch(/^line 1 is 1100\d{3} bytes long, over the limit of 1048576/);
    expect(lines[1]).toMatchObject({ line: 2, decision: 'ALLOW' });
  });

  it('reads __proto__ and constructor keys as data, never as prototypes', async () => {
    const line = '{"to":{"namespace":"foo","workload":"httpbin","port":8000},"from":{"namespace":"bar","workload":"sleep"},"method":"GET","path":"/api/x","headers":{"constructor":"x"},"jwt":{"iss":"i","claims":{"__proto__":{"admin":true},"constructor":"c"}}}';
    const run = await runGic(['check', '--mesh', MESH, '--requests', '-'], { stdin: `${line}\n{"__proto__":{"to":{"namespace":"foo"}}}\n` });
    const lines = jsonl(run.stdout);
    expect(lines[0]).toMatchObject({ line: 1, decision: 'ALLOW' });
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'bad-request' } });
    expect(String((lines[1]?.['error'] as { message: string }).message)).toContain('__proto__');
  });
});
