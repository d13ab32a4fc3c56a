// `gic audit verify`: checks the audit log's hash chain in the store of the data directory and names
// the first entry that was edited, removed, inserted or reordered (docs/audit-log.md). Output
// {"ok", "entries", "firstBad": null | {"seq", "reason", "kind"}, "head"}; exit 3 when the chain is
// broken, 4 when there is no store (nothing is created: the store is opened read-only).
import { loadConfig } from '../../config/load-config.js';
import type { Command } from '../command.js';
import { openStore, STORE_OPTIONS } from '../open-store.js';
import { renderVerify } from '../output/render-audit.js';
import { writeJson } from '../output/write-json.js';

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  description: "verify the audit log's hash chain; name the first changed, removed or inserted entry",
  usage: 'gic audit verify [--data-dir DIR] [-o human|json]',
  examples: ['gic audit verify -o json', 'gic audit verify --data-dir /var/lib/gic'],
  options: STORE_OPTIONS,
  formats: ['human', 'json'],
  async run({ values, format, io }) {
    const { config } = await loadConfig({ flags: values });
    const store = await openStore(config, { readOnly: true });
    try {
      const result = await store.verifyAudit();
      if (format === 'json') writeJson(io, result);
      else io.stdout(renderVerify(result));
      return { status: result.ok ? 'ok' : 'findings' };
    } finally {
      await store.close();
    }
  },
};
