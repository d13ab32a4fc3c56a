// Fresh databases on the PostgreSQL test peer: each test gets its own (CREATE DATABASE from template0),
// dropped afterwards, so tests never see each other's rows and a store can be "reopened" on the same
// database. `sql` runs portable SQL on a separate connection, as someone with database access would.
import pg from 'pg';

import type { PostgresPeerInfo } from './start-postgres.js';

let counter = 0;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** Runs one statement on a fresh connection to this database and returns its rows. */
  sql(text: string, params?: readonly (string | number | null)[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase(peer: PostgresPeerInfo, prefix = 'gic_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  await adminQuery(peer.url, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = withDatabase(peer.url, name);
  return {
    name,
    url,
    sql: (text, params = []) => adminQuery(url, text, params),
    drop: async () => {
      await adminQuery(peer.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, text: string, params: readonly (string | number | null)[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params as (string | number | null)[])).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}
