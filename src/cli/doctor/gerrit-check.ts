// `gic doctor`'s Gerrit check: with a URL, the server version (anonymous) and, with credentials, the
// account the credentials log in as; with a snapshot, that it loads and how many groups it holds.
import type { GerritSettings } from '../../config/config-schema.js';
import { GerritClient } from '../../gerrit/gerrit-client.js';
import { SnapshotGroupSource } from '../../gerrit/snapshot-group-source.js';
import type { DoctorCheck } from './doctor-check.js';

export function gerritCheck(settings: GerritSettings): DoctorCheck {
  return {
    name: 'gerrit',
    async run(signal) {
      if (settings.url === undefined) {
        if (settings.snapshot === undefined) {
          return { ok: true, configured: false, detail: 'no Gerrit configured (--gerrit-url or --gerrit-snapshot): group existence is reported as unknown' };
        }
        const source = await SnapshotGroupSource.load(settings.snapshot);
        const groups = await source.listGroups({ signal });
        return { ok: true, detail: `snapshot ${settings.snapshot}: ${groups.length} groups` };
      }
      const credentials = settings.user !== undefined && settings.password !== undefined ? { username: settings.user, password: settings.password } : undefined;
      const client = new GerritClient({ baseUrl: settings.url, ...(credentials === undefined ? {} : { credentials }), timeoutMs: settings.timeoutMs, retry: { maxAttempts: 1 } });
      try {
        const version = await client.getServerVersion({ signal });
        if (credentials === undefined) return { ok: true, detail: `${settings.url}: Gerrit ${version}, anonymous (no --gerrit-user)` };
        const self = await client.getAccount('self', { signal });
        return { ok: true, detail: `${settings.url}: Gerrit ${version}, logged in as ${self.username ?? self.name ?? String(self._account_id)}` };
      } finally {
        await client.close();
      }
    },
  };
}
