// Builds the GroupSource the settings ask for: the live Gerrit REST API when a URL is configured,
// otherwise the snapshot file or directory; undefined when neither is set (callers then report group
// existence as unknown). The composition roots call this; nothing here reads the environment.
import type { GerritSettings } from '../config/config-schema.js';
import { silentLogger, type Logger } from '../log.js';
import { GerritClient } from './gerrit-client.js';
import type { GroupSource } from './group-source.js';
import { LiveGroupSource } from './live-group-source.js';
import { SnapshotGroupSource } from './snapshot-group-source.js';

export interface OpenedGroupSource {
  readonly source: GroupSource;
  /** Releases connections (live source); a no-op for snapshots. */
  close(): Promise<void>;
}

export async function createGroupSource(settings: GerritSettings, logger: Logger = silentLogger): Promise<OpenedGroupSource | undefined> {
  if (settings.url !== undefined) {
    const client = new GerritClient({
      baseUrl: settings.url,
      ...(settings.user !== undefined && settings.password !== undefined ? { credentials: { username: settings.user, password: settings.password } } : {}),
      timeoutMs: settings.timeoutMs,
      connections: settings.connections,
      retry: settings.retry,
      logger: logger.child({ adapter: 'gerrit' }),
    });
    return { source: new LiveGroupSource(client, settings.url, { concurrency: settings.concurrency }), close: () => client.close() };
  }
  if (settings.snapshot !== undefined) {
    const source = await SnapshotGroupSource.load(settings.snapshot);
    return { source, close: () => Promise.resolve() };
  }
  return undefined;
}
