// `gic audit export [--since T] [--until T]`: the audit entries in a time range with the result of
// verifying the whole chain, as compliance evidence (who changed access, when, with what review and
// which model). The chain is verified first and only entries it covered are exported, so an entry
// appended meanwhile is not shown as verified. `-o json`: one document {"exportedAt", "since", "until",
// "verify", "entries"}; `-o jsonl`: that header without "entries" on the first line, then one entry per
// line. Exit 3 when the chain is broken (everything is still written), 4 when there is no store.
// Entries are streamed (Store.iterateAudit, a page at a time) and written as they are read, waiting for
// stdout to take them, so a log of any length exports in bounded memory; `-o human` reads the range
// twice (its counts come first). A malformed row fails the export (store-corrupt, exit 5) before
// anything is written when the chain is broken, as a full read did; an intact chain has none.
import { loadConfig } from '../../config/load-config.js';
import { AppError } from '../../errors.js';
import type { AuditEntry } from '../../store/store.js';
import type { Command } from '../command.js';
import { openStore, STORE_OPTIONS } from '../open-store.js';
import { exportTally, renderExportEntry, renderExportHeading } from '../output/render-audit.js';
import { parseTimeBound } from '../parse-time-bound.js';
import { streamedOutput, writeJsonDocument } from './audit-export-writer.js';

export const auditExportCommand: Command = {
  name: 'audit export',
  description: 'export audit entries (who, when, what, outcome, evidence, model) with the chain verification',
  usage: 'gic audit export [--since T] [--until T] [--data-dir DIR] [-o human|json|jsonl]',
  examples: ['gic audit export --since 2026-10-01 --until 2026-12-31 -o json > q4-audit.json', 'gic audit export --since 90d -o jsonl'],
  options: {
    since: { type: 'string', valueName: 'T', description: 'first time to include: a date (a whole UTC day), a time with its zone, or a duration back from now (90d, 12h)' },
    until: { type: 'string', valueName: 'T', description: 'last time to include (same forms; a date includes that whole day)' },
    ...STORE_OPTIONS,
  },
  formats: ['human', 'json', 'jsonl'],
  async run({ values, format, io }) {
    const now = new Date();
    const since = typeof values['since'] === 'string' ? parseTimeBound(values['since'], 'since', now) : null;
    const until = typeof values['until'] === 'string' ? parseTimeBound(values['until'], 'until', now) : null;
    if (since !== null && until !== null && since > until) throw new AppError('usage', `--since ${since} is after --until ${until}`);
    const { config } = await loadConfig({ flags: values });
    const store = await openStore(config, { readOnly: true });
    try {
      const verify = await store.verifyAudit();
      const range = { ...(since === null ? {} : { since }), ...(until === null ? {} : { until }) };
      // Entries appended after the verification are not covered by it: leave them to the next export.
      const lastSeq = verify.ok && verify.head !== null ? verify.head.seq : Number.POSITIVE_INFINITY;
      const entries = (): AsyncIterable<AuditEntry> => coveredEntries(store.iterateAudit(range), lastSeq);
      const header = { exportedAt: now.toISOString(), since, until, verify };
      const out = streamedOutput(io);
      if (format === 'human') {
        // The counts come first: a first read gathers them.
        const tally = exportTally();
        for await (const entry of entries()) tally.add(entry);
        await out.write(renderExportHeading(header, tally));
        for await (const entry of entries()) await out.write(renderExportEntry(entry));
      } else {
        // A broken chain may hold malformed rows: meet them before anything is written.
        if (!verify.ok) await readThrough(entries());
        if (format === 'json') await writeJsonDocument(out, header, 'entries', readableEntries(entries()));
        else {
          await out.write(`${JSON.stringify(header)}\n`);
          for await (const entry of entries()) await out.write(`${JSON.stringify(readable(entry))}\n`);
        }
      }
      await out.flush();
      return { status: verify.ok ? 'ok' : 'findings' };
    } finally {
      await store.close();
    }
  },
};

/** The entries up to `lastSeq` (they come in seq order: stops at the first one past it). */
async function* coveredEntries(entries: AsyncIterable<AuditEntry>, lastSeq: number): AsyncGenerator<AuditEntry, void, undefined> {
  for await (const entry of entries) {
    if (entry.seq > lastSeq) return;
    yield entry;
  }
}

async function* readableEntries(entries: AsyncIterable<AuditEntry>): AsyncGenerator<Record<string, unknown>, void, undefined> {
  for await (const entry of entries) yield readable(entry);
}

/** Reads every entry (decoding each), keeping none. */
async function readThrough(entries: AsyncIterable<AuditEntry>): Promise<void> {
  const iterator = entries[Symbol.asyncIterator]();
  while ((await iterator.next()).done !== true);
}

/** The entry with its keys in reading order (who, when, what, outcome, evidence, then the chain fields). */
function readable(entry: AuditEntry): Record<string, unknown> {
  const { seq, time, actor, action, outcome, detail, inputsHash, models, evidence, durationMs, prevHash, hash } = entry;
  return { seq, time, actor, action, outcome, detail, inputsHash, models, evidence, durationMs, prevHash, hash };
}
