// Stopping and starting a dedicated Gerrit peer's JVM in place, for tests of a Gerrit restart: the
// daemon serving a URL is found by its site's httpd.listenUrl (/proc), stopped with SIGTERM, and started
// again with the same command line, working directory and site (so the same port and data).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GerritDaemon {
  readonly pid: number;
  readonly args: string[];
  readonly cwd: string;
  readonly site: string;
}

/** The Gerrit JVM serving `url`: found by its site's httpd.listenUrl. */
export function findGerritDaemon(url: string): GerritDaemon {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    } catch {
      continue;
    }
    const at = args.indexOf('-d');
    if (!args.includes('daemon') || at < 0 || args[at + 1] === undefined) continue;
    const site = args[at + 1] as string;
    try {
      if (readFileSync(join(site, 'etc', 'gerrit.config'), 'utf8').includes(`listenUrl = ${url}`)) {
        return { pid: Number(entry), args, cwd: readlinkSync(`/proc/${entry}/cwd`), site };
      }
    } catch {
      // not ours
    }
  }
  throw new Error(`no Gerrit daemon found for ${url}`);
}

export function processAlive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
  } catch {
    return false;
  }
}

export async function waitProcessGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processAlive(pid)) throw new Error(`Gerrit pid ${pid} did not exit`);
}

/** Stops the daemon (SIGTERM) and waits until it is gone. */
export async function stopGerritDaemon(daemon: GerritDaemon, ms = 30_000): Promise<void> {
  process.kill(daemon.pid, 'SIGTERM');
  await waitProcessGone(daemon.pid, ms);
}

/** Starts the daemon again as it was started (its output appended to gerrit-restarted.log next to the site). */
export function startGerritDaemon(daemon: GerritDaemon): ChildProcess {
  const log = openSync(join(dirname(daemon.site), 'gerrit-restarted.log'), 'a');
  try {
    return spawn(daemon.args[0] as string, daemon.args.slice(1), { cwd: daemon.cwd, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
}

/** Stops a daemon started by startGerritDaemon: SIGTERM, then SIGKILL after `ms`. */
export async function killRestartedGerrit(child: ChildProcess | undefined, ms = 25_000): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
