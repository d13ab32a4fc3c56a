// `gic doctor`'s store check, present when a PostgreSQL store is configured (GIC_DATABASE_URL): the
// server answers with the configured credentials, and its schema is one this gic can use (not yet
// migrated is fine: gic migrates at start; newer than this gic is a failure, as the store would refuse it).
import type { DoctorCheck } from './doctor-check.js';

export function storeCheck(postgresUrl: string): DoctorCheck {
  return {
    name: 'store',
    async run() {
      const { probePostgres } = await import('../../store/postgres-probe.js');
      try {
        const probe = await probePostgres(postgresUrl);
        const schema =
          probe.schemaVersion === 0
            ? 'no gic schema yet (applied at the first start)'
            : probe.schemaVersion > probe.latestSchemaVersion
              ? `schema version ${probe.schemaVersion}, newer than this gic (${probe.latestSchemaVersion}): use a newer gic`
              : `schema version ${probe.schemaVersion}${probe.schemaVersion < probe.latestSchemaVersion ? ` (this gic migrates it to ${probe.latestSchemaVersion} at start)` : ''}`;
        return { ok: probe.schemaVersion <= probe.latestSchemaVersion, detail: `PostgreSQL ${probe.serverVersion} at ${probe.where}: ${schema}` };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
