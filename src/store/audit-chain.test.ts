// The audit chain verifier fed row by row (auditChainVerifier, the core both stores stream their rows
// through): for a chain with one edit, removal or swap anywhere, the first bad entry and its kind, and a
// count of every row, also those past the break and those read ahead; the iterable form gives the same
// result; rows pushed after the end are an internal error, not a silent miscount.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { AppError } from '../errors.js';
import { auditChainVerifier, sealAuditEntry, verifyAuditChain, type AuditHead } from './audit-chain.js';
import { AUDIT_COLUMNS, auditRowValues, type AuditRow } from './audit-row.js';
import type { AuditEntry, AuditVerifyResult } from './store.js';

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) {
    entries.push(sealAuditEntry(entries.at(-1), { actor: `user:u${i % 3}`, action: 'gic propose', inputsHash: 'a'.repeat(64), outcome: 'ok', detail: `entry ${i}` }, new Date(Date.UTC(2026, 11, 7, 10, 0, i))));
  }
  return entries;
}

const rowOf = (entry: AuditEntry): AuditRow => {
  const values = auditRowValues(entry);
  return Object.fromEntries(AUDIT_COLUMNS.map((column, i) => [column, values[i]])) as unknown as AuditRow;
};

const headOf = (entries: readonly AuditEntry[]): AuditHead => ({ seq: entries.length, hash: entries.at(-1)!.hash });

function pushed(rows: readonly AuditRow[], head: AuditHead): AuditVerifyResult {
  const verifier = auditChainVerifier(head);
  for (const row of rows) verifier.push(row);
  return verifier.end();
}

describe('auditChainVerifier', () => {
  it('an intact chain: ok, every row counted, the head echoed', () => {
    const entries = chain(30);
    expect(pushed(entries.map(rowOf), headOf(entries))).toEqual({ ok: true, entries: 30, firstBad: null, head: headOf(entries) });
  });

  it('finds one edit, removal or swap wherever it is, counts every row, and agrees with verifyAuditChain', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 40 }), fc.nat(), fc.constantFrom('edited', 'removed', 'reordered'), (n, at, kind) => {
        const entries = chain(n);
        const k = 1 + (at % (n - 1));
        const rows = entries.map(rowOf);
        if (kind === 'edited') rows[k - 1] = { ...rows[k - 1]!, actor: 'user:mallory' };
        if (kind === 'removed') rows.splice(k - 1, 1);
        if (kind === 'reordered') [rows[k - 1], rows[k]] = [{ ...rows[k]!, seq: k }, { ...rows[k - 1]!, seq: k + 1 }];
        const result = pushed(rows, headOf(entries));
        expect(result).toMatchObject({ ok: false, entries: rows.length, firstBad: { seq: k, kind } });
        expect(verifyAuditChain(rows, headOf(entries))).toEqual(result);
      }),
    );
  });

  it('refuses rows pushed after the end', () => {
    const verifier = auditChainVerifier({ seq: 0, hash: '0'.repeat(64) });
    expect(verifier.end()).toMatchObject({ ok: true, entries: 0 });
    expect(() => verifier.push(rowOf(chain(1)[0]!))).toThrow(AppError);
  });
});
