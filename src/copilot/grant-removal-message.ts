// The commit message of the change that removes an expired grant: the subject, what expired and the
// change that added it (linked), the intent, the evidence the engine computed before anything was
// written (the exact access delta, validation, dry-run, findings, what it was verified against; the
// lines are shared with a proposal's message), then the footers `Gic-Expired-Grant`, `Gic-Proposal` and
// `Change-Id` (derived from the grant, grant-removal.ts).
import type { ProposalRecord } from '../store/store.js';
import { accessDeltaLines, checkLines, commitLine, commitText, type ProposalEvidence } from './commit-message.js';
import { grantName, type GrantRemovalIntent } from './grant-removal.js';

export function grantRemovalMessage(proposal: ProposalRecord, intent: GrantRemovalIntent, changeId: string): string {
  const e = proposal.evidence as ProposalEvidence & { note?: string };
  const name = grantName(intent.policy);
  const lines = [
    commitLine(`Remove expired grant ${name}`),
    '',
    `The time-bound grant AuthorizationPolicy ${name} (${intent.path}) expired at ${intent.expires}`,
    `(annotation policy.gic/expires). gic opens this change to remove it${intent.deleteFile ? ' (it was the file\'s only document: the file is deleted)' : ''}.`,
    '',
    `Added by: ${intent.originUrl ?? intent.origin ?? 'unknown'}`,
    `Intent: ${commitLine(intent.text)}`,
    '',
    ...accessDeltaLines(e),
  ];
  if (e.note !== undefined) lines.push(`Note: ${commitLine(e.note)}`);
  lines.push(...checkLines(e));
  if (e.mesh !== undefined) lines.push(`Verified against: ${commitLine(e.mesh.origin)} at ${e.mesh.resourceVersion}`);
  lines.push('', `Gic-Expired-Grant: ${intent.policy}`, `Gic-Proposal: ${proposal.id}`, `Change-Id: ${changeId}`);
  return commitText(lines);
}
