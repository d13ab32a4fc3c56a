// docs/audit-log.md promises that an auditor can re-verify an export without gic: this runs the
// Python script printed there, exactly as written, on a `gic audit export -o jsonl` of a store holding
// unicode, control characters, nested evidence, model uses and fractional durations, then on the same
// export with one field changed. Needs python3: fails under CI=true without it, skips (saying why) otherwise.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { REPO_ROOT, runGic } from '../cli/run-gic.js';

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython) {
  if (process.env['CI'] === 'true') throw new Error('python3 is required for the audit re-verification test (docs/audit-log.md) and was not found');
  process.stderr.write('audit-export-python.test.ts: skipped, python3 not found\n');
}

const root = mkdtempSync(join(tmpdir(), 'gic-audit-python-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function scriptFromDocs(): string {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'audit-log.md'), 'utf8');
  const block = /```python\n(# verify-gic-audit\.py[\s\S]*?)```/.exec(doc);
  if (block === null) throw new Error('docs/audit-log.md has no verify-gic-audit.py block');
  return block[1]!;
}

describe.skipIf(!hasPython)('the Python re-verifier of docs/audit-log.md', () => {
  it('accepts an intact export and rejects one with a changed field', { timeout: 60_000 }, async () => {
    const dataDir = join(root, 'data');
    const store = await openSqliteStore({ dataDir, synchronous: 'normal' });
    const inputs = [
      { actor: 'user:zoë', action: 'gic draft', detail: 'tab\there, newline\nthere, bell \u0007, quote " and backslash \\', evidence: { 'ключ': ['ä', 'é'], nested: { b: 2, a: [1.5, -3, null, true] } }, durationMs: 12.5 },
      { actor: 'user:alice', action: 'gic submit', evidence: { change: { number: 42 }, '\u20ac': 'euro', '1': 'digit key', emoji: '🚀' }, durationMs: 142 },
      { actor: 'bot:gic', action: 'review:post', models: [{ model: 'qwen2.5-coder-1.5b', endpoint: 'http://model.ai.svc:8000/v1', promptId: 'explain', promptVersion: 3, promptTokens: 1800, completionTokens: 120 }] },
    ];
    for (const [i, input] of inputs.entries()) await store.appendAudit({ ...input, inputsHash: String(i).repeat(64), outcome: 'ok' });
    await store.close();

    const exported = await runGic(['audit', 'export', '--data-dir', dataDir, '-o', 'jsonl']);
    expect(exported.code).toBe(0);
    const script = join(root, 'verify-gic-audit.py');
    writeFileSync(script, scriptFromDocs());
    const good = join(root, 'audit.jsonl');
    writeFileSync(good, exported.stdout);
    const ok = spawnSync('python3', [script, good], { encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toMatch(/^ok: 3 entries, head [0-9a-f]{64}$/);

    const bad = join(root, 'tampered.jsonl');
    writeFileSync(bad, exported.stdout.replace('"actor":"user:alice"', '"actor":"user:mallory"'));
    const refused = spawnSync('python3', [script, bad], { encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('entry 2: broken chain');
  });
});
