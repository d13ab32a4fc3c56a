// The commit message of a submitted proposal: a subject line, what the proposal does and why it is
// safe (the exact access delta, validation, dry-run, findings, expiry, the mesh it was verified
// against), then the footers `Gic-Proposal` and `Change-Id`. The Change-Id is derived from the proposal
// id, project and branch, so submitting the same proposal twice finds the change it already opened
// (Gerrit refuses a second change with that Change-Id on the branch). Lines never start with `#`,
// which Gerrit strips from messages given through the REST API.
import { createHash } from 'node:crypto';

import { describeIntent, describeSubject } from '../policy/compile/compile-intent.js';
import type { Intent } from '../policy/compile/intent.js';
import type { ProposalRecord } from '../store/store.js';
import { sanitizeUntrusted } from './untrusted-text.js';
import type { Verification } from './verify-intent.js';

const SUBJECT_MAX = 72;
const MAX_CHANGES = 30;

/** `I` + 40 hex digits, stable for (proposal, project, branch). */
export function changeIdFor(proposalId: string, project: string, branch: string): string {
  return `I${createHash('sha1').update(`gic-proposal\0${proposalId}\0${project}\0${branch}`).digest('hex')}`;
}

function oneLine(text: string): string {
  return sanitizeUntrusted(text, 2_000).text.replace(/\s+/g, ' ').trim();
}

function safeLine(line: string): string {
  return line.startsWith('#') ? ` ${line}` : line;
}

/** The evidence as stored with the proposal (the propose result without intent, yaml, verified). */
export type ProposalEvidence = Partial<Omit<Verification, 'intent' | 'yaml' | 'verified'>>;

/** `Allow group x, service account y on ns/workload until 2026-11-28`: the subject line. */
function subjectLine(intent: Intent): string {
  const t = intent.target;
  const where = `${t.namespace}/${t.workload ?? t.gateway ?? t.waypoint ?? t.service ?? (t.selector !== undefined ? Object.entries(t.selector).map(([k, v]) => `${k}=${v}`).join(',') : '*')}`;
  const action = intent.action === 'allow' ? 'Allow' : 'Deny';
  return `${action} ${intent.subjects.map(describeSubject).join(', ')} on ${where}${intent.expires !== undefined ? ` until ${intent.expires.slice(0, 10)}` : ''}`;
}

export function commitMessage(proposal: ProposalRecord, changeId: string, intent: Intent): string {
  const e = proposal.evidence as ProposalEvidence;
  const description = describeIntent(intent);
  let subject = oneLine(subjectLine(intent));
  if (subject.length > SUBJECT_MAX) subject = `${subject.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
  const lines: string[] = [subject, ''];
  lines.push(`Proposed through gic (proposal ${proposal.id}, by ${oneLine(proposal.createdBy)} at ${proposal.createdAt}).`);
  lines.push(`Intent: ${oneLine(description)}`);
  if (e.policy !== undefined) lines.push(`Policy: AuthorizationPolicy ${e.policy.namespace}/${e.policy.name}`);
  if (e.policy?.extends !== undefined) lines.push(`Extends the existing policy ${e.policy.extends}.`);
  lines.push('');
  lines.push(...accessDeltaLines(e));
  lines.push(`Unintended changes: ${e.unintended?.length ?? 0}`);
  lines.push(...checkLines(e));
  const groups = e.groups ?? [];
  if (groups.length > 0) lines.push(`Gerrit groups: ${groups.map((g) => `${g.name} ${g.status}`).join(', ')}`);
  if (e.expires !== undefined) lines.push(`Expires: ${e.expires} (annotation policy.gic/expires; the grant is removed then)`);
  if (e.mesh !== undefined) lines.push(`Verified against: ${oneLine(e.mesh.origin)} at ${e.mesh.resourceVersion}`);
  lines.push('', `Gic-Proposal: ${proposal.id}`, `Change-Id: ${changeId}`);
  return commitText(lines);
}

/** The exact access delta of a proposal's evidence: the counts, then one line per change (at most 30). */
export function accessDeltaLines(e: ProposalEvidence): string[] {
  const changes = e.diff?.changes ?? [];
  const s = e.diff?.summary;
  const lines = [`Access delta (exact, gic diff): ${s?.granted ?? 0} granted, ${s?.revoked ?? 0} revoked, ${s?.changed ?? 0} changed`];
  for (const c of changes.slice(0, MAX_CHANGES)) lines.push(`- ${c.before} -> ${c.after}: ${oneLine(c.summary)}`);
  if (changes.length > MAX_CHANGES) lines.push(`- ... and ${changes.length - MAX_CHANGES} more`);
  return lines;
}

/** Validation, dry-run and findings of a proposal's evidence. */
export function checkLines(e: ProposalEvidence): string[] {
  const v = e.validation?.summary;
  const lines = [`Validation (CRD schema, istiod rules): ${v?.resources ?? 0} resource(s), ${v?.errors ?? 0} error(s), ${v?.warnings ?? 0} warning(s)`];
  for (const r of e.dryRun?.results ?? []) lines.push(`Dry-run (${r.mode}): ${r.accepted ? 'accepted' : 'REJECTED'} ${r.kind} ${r.namespace}/${r.name}`);
  const findings = e.findings ?? [];
  lines.push(`Findings on the policy: ${findings.length === 0 ? 'none' : findings.map((f) => `${f.code} (${f.level})`).join(', ')}`);
  return lines;
}

/** Untrusted text made one safe line (sanitized, whitespace collapsed). */
export function commitLine(text: string): string {
  return oneLine(text);
}

/** The message's lines joined, none starting with `#` (Gerrit strips those). */
export function commitText(lines: readonly string[]): string {
  return lines.map(safeLine).join('\n');
}
