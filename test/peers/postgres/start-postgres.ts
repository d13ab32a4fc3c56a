// Starts the PostgreSQL test peer: a private PostgreSQL 15 cluster made with initdb in a fresh temp dir,
// listening on a free loopback port (and a Unix socket inside the temp dir), password authentication
// (scram-sha-256) for the one superuser `gic`. PostgreSQL refuses to run as root, so when this process
// is root the server runs as the `postgres` user (runuser). fsync is off: tests check behaviour, not
// durability. stop() stops the server (pg_ctl stop -m fast) and removes the directory.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { PeerUnavailableError, type RunningPeer } from '../peer.js';

const run = promisify(execFile);

/** Connection details of a running PostgreSQL peer. */
export interface PostgresPeerInfo {
  /** postgres://gic:<password>@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly version: string;
}

export interface PostgresPeerOptions {
  /** The directory holding initdb, pg_ctl and postgres (default $GIC_PG_BIN, else /usr/lib/postgresql/15/bin). */
  readonly binDir?: string;
  /** max_connections (default 200: enough for a few replicas with pools and a benchmark). */
  readonly maxConnections?: number;
}

const DEFAULT_BIN = '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The uid/gid of the `postgres` user, from `id`. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    return { uid, gid };
  } catch (error) {
    throw new PeerUnavailableError(`running as root, PostgreSQL needs a non-root user and there is no 'postgres' user: ${String(error)}`);
  }
}

/** Starts a private PostgreSQL; resolves once it accepts connections. */
export async function startPostgres(options: PostgresPeerOptions = {}): Promise<RunningPeer<PostgresPeerInfo>> {
  const binDir = options.binDir ?? process.env['GIC_PG_BIN'] ?? DEFAULT_BIN;
  const bin = (name: string): string => path.join(binDir, name);
  if (!existsSync(bin('initdb')) || !existsSync(bin('pg_ctl'))) {
    throw new PeerUnavailableError(`PostgreSQL binaries not found in ${binDir} (install postgresql-15, or set GIC_PG_BIN)`);
  }
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? await postgresUser() : undefined;
  // runuser keeps the environment minimal; the binaries are addressed by absolute path.
  const as = (command: string, args: readonly string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]]);
  const exec = async (command: string, args: readonly string[], what: string): Promise<string> => {
    const [file, argv] = as(command, args);
    try {
      const { stdout } = await run(file, argv, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${what} failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: error });
    }
  };

  const root = await mkdtemp(path.join(tmpdir(), 'gic-postgres-'));
  const dataDir = path.join(root, 'data');
  const password = randomBytes(18).toString('base64url');
  const pwfile = path.join(root, 'pwfile');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner !== undefined) {
    await chown(root, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  await chmod(root, 0o700);
  let started = false;
  const stop = async (): Promise<void> => {
    if (started) {
      started = false;
      await exec(bin('pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], 'pg_ctl stop').catch(() => undefined);
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    await exec(bin('initdb'), ['-D', dataDir, '-U', 'gic', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-sync'], 'initdb');
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${root}`,
      "-c listen_addresses='127.0.0.1'",
      `-c max_connections=${options.maxConnections ?? 200}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c shared_buffers=64MB',
    ].join(' ');
    started = true;
    await exec(bin('pg_ctl'), ['start', '-D', dataDir, '-l', path.join(root, 'postgres.log'), '-w', '-t', '60', '-o', settings], 'pg_ctl start');
    const version = (await exec(bin('postgres'), ['--version'], 'postgres --version')).trim();
    // Best effort: never leave the server behind if the test process exits without calling stop().
    const stopOnExit = (): void => {
      const [file, argv] = as(bin('pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate']);
      try {
        execFile(file, argv);
      } catch {
        // exiting anyway
      }
    };
    process.once('exit', stopOnExit);
    return {
      info: { url: `postgres://gic:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, port, dataDir, version },
      stop: async () => {
        process.removeListener('exit', stopOnExit);
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
