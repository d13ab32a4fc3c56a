// The audit entry the store benchmarks append: realistic size and shape (a proposal's evidence summary
// and one model use), different for each i. Not a benchmark itself.
import { createHash } from 'node:crypto';

import type { AuditEntryInput } from '../src/store/store.js';

export function sampleAuditEntry(i: number): AuditEntryInput {
  return {
    actor: `user:u${i % 17}`,
    action: i % 3 === 0 ? 'gic propose' : 'mcp:policy_check_access',
    inputsHash: createHash('sha256').update(`inputs ${i}`).digest('hex'),
    outcome: 'ok',
    detail: `proposal p-${i} verified`,
    models: [{ model: 'qwen2.5-coder-1.5b', endpoint: 'http://model.ai.svc:8000/v1', promptId: 'draft-intent', promptVersion: 2, promptTokens: 1800, completionTokens: 90 }],
    evidence: { proposal: `p-${i}`, verified: true, granted: ['release-managers may now POST /api/builds* on builds/build-trigger'], dryRun: { accepted: true, mode: 'server' } },
    durationMs: 40 + (i % 100),
  };
}
