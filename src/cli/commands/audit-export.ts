// `gic audit export [--since T] [--until T]`: the audit entries in a time range with the result of
// verifying the whole chain, as compliance evidence (who changed access, when, with what review and
// which model). The chain is verified first and only entries it covered are exported, so an entry
// appended meanwhile is not shown as verified. `-o json`: one document {"exportedAt", "since", "until",
// "verify", "entries"}; `-o jsonl`: that header without "entries" on the first line, then one entry per
// line. Exit 3 when the chain is broken (everything is still written), 4 when there is no store.
import { loadConfig } from '../../config/load-config.js';
import { AppError } from '../../errors.js';
import type { AuditEntry } from '../../store/store.js';
import type { Command } from '../command.js';
import { openStore, STORE_OPTIONS } from '../open-store.js';
import { renderExport } from '../output/render-audit.js';
import { writeJson, writeJsonLine } from '../output/write-json.js';
import { parseTimeBound } from '../parse-time-bound.js';

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
      const listed = await store.listAudit({ ...(since === null ? {} : { since }), ...(until === null ? {} : { until }) });
      // Entries appended after the verification are not covered by it: leave them to the next export.
      const entries = verify.ok && verify.head !== null ? listed.filter((e) => e.seq <= verify.head!.seq) : listed;
      const header = { exportedAt: now.toISOString(), since, until, verify };
      if (format === 'json') writeJson(io, { ...header, entries: entries.map(readable) });
      else if (format === 'jsonl') {
        writeJsonLine(io, header);
        for (const entry of entries) writeJsonLine(io, readable(entry));
      } else io.stdout(renderExport({ ...header, entries }));
      return { status: verify.ok ? 'ok' : 'findings' };
    } finally {
      await store.close();
    }
  },
};

/** The entry with its keys in reading order (who, when, what, outcome, evidence, then the chain fields). */
function readable(entry: AuditEntry): Record<string, unknown> {
  const { seq, time, actor, action, outcome, detail, inputsHash, models, evidence, durationMs, prevHash, hash } = entry;
  return { seq, time, actor, action, outcome, detail, inputsHash, models, evidence, durationMs, prevHash, hash };
}
