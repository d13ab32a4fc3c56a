// A Gerrit restart in the middle of a run: a dedicated Gerrit (not the run's shared one) is seeded with
// nested groups, group resolution runs in a loop, and the Gerrit JVM is stopped and started again on the
// same site and port while it runs. The client's retries (connection refused/reset, 503 while starting)
// must carry every resolution through to the right answer.
import type { ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GerritClient } from '../../src/gerrit/gerrit-client.js';
import { groupUuid } from '../../src/gerrit/group-info.js';
import { LiveGroupSource } from '../../src/gerrit/live-group-source.js';
import { resolveGroups } from '../../src/gerrit/resolve-group-directory.js';
import { indexGroupDirectory } from '../../src/policy/resources/group-directory.js';
import { startPeerOrSkip, type RunningPeer } from '../peers/peer.js';
import { findGerritDaemon, killRestartedGerrit, startGerritDaemon, stopGerritDaemon } from '../peers/gerrit/gerrit-daemon.js';
import { startGerrit, type GerritPeerInfo } from '../peers/gerrit/start-gerrit.js';

const peer: RunningPeer<GerritPeerInfo> | undefined = await startPeerOrSkip('gerrit (dedicated, restarted)', startGerrit);

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
    await killRestartedGerrit(restarted);
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
      const daemon = findGerritDaemon(peer?.info.url ?? '');
      restartAt = Date.now();
      await stopGerritDaemon(daemon);
      downAt = Date.now();
      restarted = startGerritDaemon(daemon);
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
