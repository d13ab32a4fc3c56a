// proposalView reads a stored proposal's evidence defensively: a record written by an older gic, or
// damaged, still renders (missing parts as empty), and the rows say who gains and who loses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { ProposalRecord } from '../store/store.js';
import { proposalView } from './proposal-view.js';

const base: ProposalRecord = { id: 'p1', createdAt: '2026-11-25T10:30:00.000Z', createdBy: 'user:alice', intent: {}, yaml: 'kind: AuthorizationPolicy\n', verified: false, evidence: {} };

describe('proposalView', () => {
  it('classifies access changes and reads validation, dry-run, findings and expiry', () => {
    const view = proposalView({
      ...base,
      verified: true,
      evidence: {
        policy: { namespace: 'builds', name: 'allow-x' },
        validation: { summary: { errors: 0, warnings: 1 }, resources: [{ errors: [], warnings: [{ field: 'spec.rules[0]', message: 'careful' }] }] },
        dryRun: { results: [{ mode: 'offline', accepted: true, errors: [], warnings: [] }] },
        diff: {
          summary: { granted: 1, revoked: 1, changed: 0 },
          changes: [
            { workload: { namespace: 'builds', name: 'x' }, before: 'DENY', after: 'ALLOW', summary: 'a may now GET', witness: { method: 'GET' } },
            { workload: { namespace: 'builds', name: 'y' }, before: 'ALLOW', after: 'DENY', summary: 'b may no longer GET', witness: { method: 'GET' } },
          ],
        },
        findings: [{ code: 'GIC125', level: 'warning', message: 'expires', source: 'proposal.yaml:1' }],
        expires: '2026-11-28T00:00:00Z',
        blockers: [],
      },
    });
    expect(view).toMatchObject({ policy: { namespace: 'builds', name: 'allow-x' }, verified: true, validation: { errors: 0, warnings: 1, messages: ['spec.rules[0]: careful'] }, dryRun: [{ mode: 'offline', accepted: true, message: '' }], summary: { granted: 1, revoked: 1, changed: 0 }, expires: '2026-11-28T00:00:00Z', change: null });
    expect(view.changes.map((c) => [c.workload, c.kind])).toEqual([['builds/x', 'granted'], ['builds/y', 'revoked']]);
  });

  it('never throws on evidence of any shape', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('policy', 'validation', 'dryRun', 'diff', 'findings', 'expires', 'blockers', 'unintended'), fc.anything()), (evidence) => {
        const view = proposalView({ ...base, evidence });
        expect(Array.isArray(view.changes)).toBe(true);
        expect(typeof view.summary.granted).toBe('number');
      }),
    );
  });
});
