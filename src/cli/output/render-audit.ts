// Human text for `gic audit verify` and `gic audit export`: whether the chain holds (and where it broke),
// the head to keep outside the store, and for an export one block per entry that answers the SOC 2
// questions (who did what, when, with which outcome, on which evidence and review, with which model).
import type { AuditEntry, AuditVerifyResult } from '../../store/store.js';

export function renderVerify(result: AuditVerifyResult): string {
  const lines: string[] = [];
  if (result.ok) {
    lines.push(`audit log verified: ${count(result.entries, 'entry', 'entries')}, chain intact`);
  } else {
    const bad = result.firstBad;
    lines.push(`audit log NOT verified: ${bad === null ? 'unknown break' : `entry ${bad.seq} (${bad.kind})`}`);
    if (bad !== null) lines.push(`  ${bad.reason}`);
    lines.push(`  ${count(result.entries, 'entry', 'entries')} read${bad !== null && bad.seq > 1 ? `; entries 1-${bad.seq - 1} are intact` : ''}`);
  }
  if (result.head !== null) lines.push(`head: seq ${result.head.seq} sha256 ${result.head.hash}`);
  else lines.push('head: missing');
  if (result.ok) lines.push('(keep the head outside the store: a later verify with a lower seq or another hash at that seq means the log was cut back)');
  return `${lines.join('\n')}\n`;
}

export interface AuditExportView {
  readonly exportedAt: string;
  readonly since: string | null;
  readonly until: string | null;
  readonly verify: AuditVerifyResult;
  readonly entries: readonly AuditEntry[];
}

export function renderExport(view: AuditExportView): string {
  const range = view.since === null && view.until === null ? 'all entries' : `${view.since ?? 'the start'} to ${view.until ?? 'now'}`;
  const lines = [`gic audit export: ${range} (exported ${view.exportedAt})`, ...renderVerify(view.verify).trimEnd().split('\n'), ''];
  const outcomes = tally(view.entries.map((e) => e.outcome));
  const actors = tally(view.entries.map((e) => e.actor));
  lines.push(`${count(view.entries.length, 'entry', 'entries')} in range${view.entries.length === 0 ? '' : `: ${outcomes}; by ${actors}`}`);
  for (const entry of view.entries) {
    lines.push('');
    lines.push(`#${entry.seq}  ${entry.time}  ${entry.actor}  ${entry.action}  ${entry.outcome}${entry.durationMs === undefined ? '' : `  ${Math.round(entry.durationMs)} ms`}`);
    if (entry.detail !== undefined && entry.detail !== '') lines.push(`    ${oneLine(entry.detail, 300)}`);
    for (const [key, value] of Object.entries(entry.evidence ?? {})) lines.push(`    ${key}: ${oneLine(typeof value === 'string' ? value : JSON.stringify(value), 300)}`);
    for (const m of entry.models ?? []) {
      const tokens = m.promptTokens === undefined ? '' : `, ${m.promptTokens}${m.completionTokens === undefined ? '' : `+${m.completionTokens}`} tokens`;
      lines.push(`    model: ${m.model} at ${m.endpoint} (prompt ${m.promptId} v${m.promptVersion}${tokens})`);
    }
    lines.push(`    inputs sha256 ${entry.inputsHash}`);
    lines.push(`    entry  sha256 ${entry.hash}`);
  }
  return `${lines.join('\n')}\n`;
}

function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v, n]) => `${v} ${n}`).join(', ');
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** One line of at most `max` characters: control characters (newlines, escapes) shown as spaces. */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
