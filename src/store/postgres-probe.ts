// What `gic doctor` learns about a PostgreSQL store without changing it: the server answers with these
// credentials, its version, and the schema version gic's migrations left (0: not migrated yet, gic
// applies them at start), compared with the version this gic writes. One connection, read-only.
import pg from 'pg';

import { LATEST_SCHEMA_VERSION } from './migrations.js';
import { postgresError, redactUrl } from './postgres-errors.js';

export interface PostgresProbe {
  readonly where: string;
  readonly serverVersion: string;
  readonly schemaVersion: number;
  readonly latestSchemaVersion: number;
}

export async function probePostgres(url: string, options: { readonly timeoutMs?: number } = {}): Promise<PostgresProbe> {
  const where = redactUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: options.timeoutMs ?? 5_000, statement_timeout: options.timeoutMs ?? 5_000, options: '-c default_transaction_read_only=on' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const version = String((await client.query('SHOW server_version')).rows[0]?.['server_version'] ?? 'unknown');
    const table = (await client.query("SELECT to_regclass('schema_migrations') AS t")).rows[0]?.['t'];
    const schemaVersion = table === null || table === undefined ? 0 : Number((await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0]?.['v'] ?? 0);
    return { where, serverVersion: version, schemaVersion, latestSchemaVersion: LATEST_SCHEMA_VERSION };
  } catch (error) {
    throw postgresError(error, where, 'probing the store');
  } finally {
    await client.end().catch(() => undefined);
  }
}
