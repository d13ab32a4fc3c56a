// Human text for `gic audit verify` and `gic audit export`: whether the chain holds (and where it broke),
// the head to keep outside the store, and for an export one block per entry that answers the SOC 2
// questions (who did what, when, with which outcome, on which evidence and review, with which model).
// The export renders in parts (heading with counts, then one block per entry) so it can be streamed.
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
  const tally = exportTally();
  for (const entry of view.entries) tally.add(entry);
  return renderExportHeading(view, tally) + view.entries.map(renderExportEntry).join('');
}

/** Counts of exported entries by outcome and by actor, gathered one entry at a time (a streamed export). */
export interface ExportTally {
  readonly entries: number;
  readonly outcomes: ReadonlyMap<string, number>;
  readonly actors: ReadonlyMap<string, number>;
  add(entry: AuditEntry): void;
}

export function exportTally(): ExportTally {
  const outcomes = new Map<string, number>();
  const actors = new Map<string, number>();
  let entries = 0;
  return {
    get entries() {
      return entries;
    },
    outcomes,
    actors,
    add(entry) {
      entries++;
      outcomes.set(entry.outcome, (outcomes.get(entry.outcome) ?? 0) + 1);
      actors.set(entry.actor, (actors.get(entry.actor) ?? 0) + 1);
    },
  };
}

/** The export's first lines: range, verdict and head, then the counts of the entries that follow. */
export function renderExportHeading(view: Omit<AuditExportView, 'entries'>, tally: ExportTally): string {
  const range = view.since === null && view.until === null ? 'all entries' : `${view.since ?? 'the start'} to ${view.until ?? 'now'}`;
  const lines = [`gic audit export: ${range} (exported ${view.exportedAt})`, ...renderVerify(view.verify).trimEnd().split('\n'), ''];
  lines.push(`${count(tally.entries, 'entry', 'entries')} in range${tally.entries === 0 ? '' : `: ${ranked(tally.outcomes)}; by ${ranked(tally.actors)}`}`);
  return `${lines.join('\n')}\n`;
}

/** One entry's block, preceded by an empty line. */
export function renderExportEntry(entry: AuditEntry): string {
  const lines = [''];
  lines.push(`#${entry.seq}  ${entry.time}  ${entry.actor}  ${entry.action}  ${entry.outcome}${entry.durationMs === undefined ? '' : `  ${Math.round(entry.durationMs)} ms`}`);
  if (entry.detail !== undefined && entry.detail !== '') lines.push(`    ${oneLine(entry.detail, 300)}`);
  for (const [key, value] of Object.entries(entry.evidence ?? {})) lines.push(`    ${key}: ${oneLine(typeof value === 'string' ? value : JSON.stringify(value), 300)}`);
  for (const m of entry.models ?? []) {
    const tokens = m.promptTokens === undefined ? '' : `, ${m.promptTokens}${m.completionTokens === undefined ? '' : `+${m.completionTokens}`} tokens`;
    lines.push(`    model: ${m.model} at ${m.endpoint} (prompt ${m.promptId} v${m.promptVersion}${tokens})`);
  }
  lines.push(`    inputs sha256 ${entry.inputsHash}`);
  lines.push(`    entry  sha256 ${entry.hash}`);
  return `${lines.join('\n')}\n`;
}

/** `value n, value n`, most frequent first. */
function ranked(counts: ReadonlyMap<string, number>): string {
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
