// A Gerrit restart in the middle of a run: a dedicated Gerrit (not the run's shared one) is seeded with
// nested groups, group resolution runs in a loop, and the Gerrit JVM is stopped and started again on the
// same site and port while it runs. The client's retries (connection refused/reset, 503 while starting)
// must carry every resolution through to the right answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { groupUuid } from '../../src/gerrit/group-info.js';
import { LiveGroupSource } from '../../src/gerrit/live-group-source.js';
import { resolveGroups } from '../../src/gerrit/resolve-group-directory.js';
import { indexGroupDirectory } from '../../src/policy/resources/group-directory.js';
import { startPeerOrSkip, type RunningPeer } from '../peers/peer.js';
import { startGerrit, type GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await startPeerOrSkip('gerrit (dedicated, restarted)', startGerrit);

interface Daemon {
  readonly pid: number;
  readonly args: string[];
  readonly cwd: string;
  readonly site: string;
}

/** The Gerrit JVM serving `url`: found by its site's httpd.listenUrl. */
function findDaemon(url: string): Daemon {
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

function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) throw new Error(`Gerrit pid ${pid} did not exit`);
}

describe.skipIf(!peer)('Gerrit restart in the middle of a run', () => {
  let client: GerritClient;
  let restarted: ChildProcess | undefined;
  const suffix = `rs${Date.now().toString(36)}`;
  const chain: string[] = [];
  const expected: string[] = [];

  beforeAll(async () => {
    if (peer === undefined) throw new Error('unreachable');
    client = new GerritClient({
      baseUrl: peer.info.url,
      credentials: { username: peer.info.user, password: peer.info.password },
      timeoutMs: 10_000,
      // A restart takes ~15-30 s here: retry long enough, with capped backoff.
      retry: { maxAttempts: 200, baseDelayMs: 100, maxDelayMs: 1_000 },
    });
    // 12 groups in a chain (each includes the next) plus a back edge: g0 reaches all of them.
    for (let i = 0; i < 12; i++) {
      const user = `u${i}-${suffix}`;
      await client.createAccount(user, { name: `User ${i}`, email: `${user}@example.com` });
      expected.push(user);
      const uuid = groupUuid(await client.createGroup(`chain-${i}-${suffix}`));
      await client.addGroupMembers(uuid, [user]);
      await client.removeGroupMembers(uuid, [peer.info.user]);
      chain.push(uuid);
    }
    for (let i = 0; i + 1 < chain.length; i++) await client.addIncludedGroups(chain[i] as string, [chain[i + 1] as string]);
    await client.addIncludedGroups(chain.at(-1) as string, [chain[0] as string]);
    expected.sort();
  });

  afterAll(async () => {
    await client?.close();
    if (restarted !== undefined && restarted.exitCode === null && restarted.signalCode === null) {
      restarted.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          restarted?.kill('SIGKILL');
          resolve();
        }, 25_000);
        restarted?.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await peer?.stop();
  });

  it('keeps resolving groups correctly while Gerrit stops and starts again', async () => {
    const source = new LiveGroupSource(client, peer?.info.url ?? '');
    const runs: { began: number; ended: number; members: string[] }[] = [];
    let restartAt = 0;
    let downAt = 0;
    let restartDone = false;
    let afterRestart = 0;

    const restart = async (): Promise<void> => {
      const daemon = findDaemon(peer?.info.url ?? '');
      restartAt = Date.now();
      process.kill(daemon.pid, 'SIGTERM');
      await waitGone(daemon.pid, 30_000);
      downAt = Date.now();
      const log = openSync(join(dirname(daemon.site), 'gerrit-restarted.log'), 'a');
      try {
        restarted = spawn(daemon.args[0] as string, daemon.args.slice(1), { cwd: daemon.cwd, stdio: ['ignore', log, log] });
      } finally {
        closeSync(log);
      }
      restartDone = true;
    };

    // Resolutions run back to back in the background; the restart hits whichever is under way.
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        const began = Date.now();
        const resolved = await resolveGroups(source, [chain[0] as string], { concurrency: 4 });
        const members = indexGroupDirectory(resolved.directory).membersOf(chain[0] as string).map((m) => m.username ?? '');
        runs.push({ began, ended: Date.now(), members });
        if (restartDone) afterRestart++;
      }
    })();
    while (runs.length < 3) await new Promise((r) => setTimeout(r, 20));
    await restart();
    while (afterRestart < 3) await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await loop;

    expect(runs.every((r) => JSON.stringify(r.members) === JSON.stringify(expected))).toBe(true);
    // Some run was under way when Gerrit was stopped and finished only after it was back (a JVM start
    // takes several seconds, so ending a second after the old one was gone means it waited for the new one).
    const spanning = runs.filter((r) => r.began <= restartAt && r.ended > downAt + 1_000);
    expect(spanning.length).toBeGreaterThanOrEqual(1);
    expect(client.transport.stats.retries).toBeGreaterThan(0);
    console.log(`[restart] ${runs.length} runs, ${client.transport.stats.requests} requests, ${client.transport.stats.retries} retries, longest run ${Math.max(...runs.map((r) => r.ended - r.began))} ms`);
  });
});
