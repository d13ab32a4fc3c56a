// `gic chat`'s terminal rendering of chat events and of the current proposal (/yaml, /diff): readable
// without colour (NO_COLOR), with it on a terminal. Every text from the model, Gerrit or the mesh
// passes terminalSafe first.
import type { ChatEvent } from '../../chat/chat-event.js';
import type { ProposalView } from '../../chat/proposal-view.js';
import { type Paint, terminalSafe } from './terminal-text.js';

function witnessText(witness: unknown): string {
  return witness === null || witness === undefined ? '' : JSON.stringify(witness);
}

export function renderProposalSummary(view: ProposalView, paint: Paint): string {
  const where = view.policy !== null ? `${view.policy.namespace}/${view.policy.name}` : 'policy';
  const lines = [view.verified ? paint('green', `proposal ${view.id} for ${where}: verified`) : paint('red', `proposal ${view.id} for ${where}: NOT verified`)];
  for (const b of view.blockers) lines.push(`  blocker: ${terminalSafe(b)}`);
  lines.push(`  validation: ${view.validation.errors} error(s), ${view.validation.warnings} warning(s)`);
  lines.push(`  dry-run: ${view.dryRun.map((d) => `${d.mode} ${d.accepted ? 'accepted' : 'rejected'}`).join(', ') || 'not run'}`);
  lines.push(`  access: ${view.summary.granted} granted, ${view.summary.revoked} revoked, ${view.summary.changed} changed${view.unintended > 0 ? `, ${view.unintended} not asked for` : ''}`);
  if (view.expires !== null) lines.push(`  expires: ${view.expires}`);
  if (view.change !== null) lines.push(`  review: ${view.change.url}`);
  lines.push(paint('dim', '  /yaml shows the policy, /diff the access delta, /submit opens it for review'));
  return `${lines.join('\n')}\n`;
}

export function renderYaml(view: ProposalView): string {
  const lines = view.yaml.replace(/\n$/, '').split('\n');
  const width = String(lines.length).length;
  return `${lines.map((l, i) => `${String(i + 1).padStart(width)}  ${terminalSafe(l)}`).join('\n')}\n`;
}

export function renderDiff(view: ProposalView, paint: Paint): string {
  if (view.changes.length === 0) return 'no change in access\n';
  const out: string[] = [];
  for (const c of view.changes) {
    const mark = c.kind === 'granted' ? paint('green', '+ granted') : c.kind === 'revoked' ? paint('red', '- revoked') : paint('yellow', '~ changed');
    out.push(`${mark} ${terminalSafe(c.workload)} (${c.before} -> ${c.after}): ${terminalSafe(c.summary)}`);
    out.push(`    witness: ${terminalSafe(witnessText(c.witness))}`);
  }
  return `${out.join('\n')}\n`;
}

/** The terminal text of one event ('' for events shown otherwise). `streamed`: text deltas were already printed. */
export function renderChatEvent(event: ChatEvent, paint: Paint, streamed: boolean): string {
  switch (event.type) {
    case 'text':
      return terminalSafe(event.delta);
    case 'tool':
      return event.status === 'call' ? paint('dim', `\n[tool ${terminalSafe(event.name)}]\n`) : paint('dim', `[${terminalSafe(event.name)} ${event.status === 'ok' ? 'answered' : 'failed'}: ${terminalSafe(event.text.split('\n')[0] ?? '').slice(0, 200)}]\n`);
    case 'progress':
      return paint('dim', `[${event.stage}] ${terminalSafe(event.message)}\n`);
    case 'questions':
      return `${event.questions.map((q) => `${paint('cyan', '?')} ${terminalSafe(q.question)}${q.options.length > 0 ? ` (${q.options.map(terminalSafe).join(', ')})` : ''}`).join('\n')}\n`;
    case 'proposal':
      return renderProposalSummary(event.proposal, paint);
    case 'fallback':
      return paint('yellow', `[falling back to intent extraction: ${terminalSafe(event.reason)}]\n`);
    case 'answer':
      return streamed ? '\n' : event.mode === 'draft' ? '' : `${terminalSafe(event.text)}\n`;
    case 'error':
      return paint('red', `error (${event.code}): ${terminalSafe(event.message)}\n`);
    case 'turn':
      return '';
  }
}
