// The measured store: every call counted by operation and outcome (the error code on failure), timed,
// appends counted, and the store's behaviour unchanged (same results, same errors, close passes through).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';

import { openSqliteStore } from '../store/sqlite-store.js';
import { createStoreMetrics, instrumentStore } from './instrumented-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('instrumentStore', () => {
  it('counts and times every call by operation and outcome, and leaves results and errors unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gic-instrumented-'));
    dirs.push(dir);
    const registry = new Registry();
    const store = instrumentStore(await openSqliteStore({ dataDir: dir, synchronous: 'normal' }), createStoreMetrics(registry, 'sqlite'));
    const entry = await store.appendAudit({ actor: 'user:alice', action: 'gic propose', inputsHash: 'a'.repeat(64), outcome: 'ok' });
    expect(entry.seq).toBe(1);
    await store.appendAudit({ actor: 'user:alice', action: 'gic propose', inputsHash: 'b'.repeat(64), outcome: 'ok' });
    await expect(store.appendTurn('no-such-conversation', { role: 'user', text: 'hi' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await store.verifyAudit()).toMatchObject({ ok: true, entries: 2 });
    await store.close();
    const text = await registry.metrics();
    expect(text).toContain('gic_store_operations_total{operation="appendAudit",outcome="ok",backend="sqlite"} 2');
    expect(text).toContain('gic_store_operations_total{operation="appendTurn",outcome="not-found",backend="sqlite"} 1');
    expect(text).toContain('gic_store_operations_total{operation="verifyAudit",outcome="ok",backend="sqlite"} 1');
    expect(text).toContain('gic_audit_entries_appended_total{backend="sqlite"} 2');
    expect(text).toMatch(/gic_store_operation_duration_seconds_count\{operation="appendAudit",backend="sqlite"\} 2/);
    await expect(store.appendAudit({ actor: 'user:alice', action: 'x', inputsHash: 'c'.repeat(64), outcome: 'ok' })).rejects.toMatchObject({ code: 'store-closed' });
  });
});
