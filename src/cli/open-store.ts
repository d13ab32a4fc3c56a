// How a command opens gic's store from its settings: the PostgreSQL store when `data.postgresUrl`
// (GIC_DATABASE_URL) is set, else the SQLite store in the data directory (--data-dir, GIC_DATA_DIR, the
// config file, else $XDG_STATE_HOME/gic or ~/.local/state/gic).
// Read-only for commands that only read (`gic audit verify|export`): then a missing store is exit 4
// with the path, and nothing is created.
import type { LoadedConfig } from '../config/load-config.js';
import { openPostgresStore } from '../store/postgres-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { OptionSpecs } from './command.js';

/** The flags of the store settings, for commands that open the store. */
export const STORE_OPTIONS: OptionSpecs = {
  config: { type: 'string', valueName: 'FILE', description: 'config file (YAML); default $GIC_CONFIG' },
  'data-dir': { type: 'string', valueName: 'DIR', description: "gic's data directory (env GIC_DATA_DIR; default $XDG_STATE_HOME/gic, else ~/.local/state/gic)" },
};

export function openStore(config: LoadedConfig['config'], options: { readonly readOnly?: boolean; readonly clock?: () => Date } = {}): Promise<Store> {
  if (config.data.postgresUrl !== undefined) {
    return openPostgresStore({
      url: config.data.postgresUrl,
      ...(config.data.postgresPoolSize === undefined ? {} : { poolSize: config.data.postgresPoolSize }),
      // A reading command (audit verify/export) reports an unreachable database after 5 s, not 30.
      ...(options.readOnly === true ? { readOnly: true, retryForMs: 5_000 } : {}),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  }
  return openSqliteStore({
    dataDir: config.data.dir,
    busyTimeoutMs: config.data.busyTimeoutMs,
    ...(options.readOnly === true ? { readOnly: true } : {}),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}
