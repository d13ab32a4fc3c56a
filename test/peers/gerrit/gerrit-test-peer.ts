// What a test file calls to get the run's shared Gerrit: asks the broker of gerrit-global-setup.ts
// (started once per run), or, when the file runs without that global setup, starts its own Gerrit.
// Follows the peer rule: unavailable → skip with the reason printed, or fail under CI=true.
import { request } from 'node:http';
import { inject } from 'vitest';
import { PeerUnavailableError, startPeerOrSkip, type RunningPeer } from '../peer.js';
import type { BrokerAnswer } from './gerrit-global-setup.js';
import { startGerrit, type GerritPeerInfo } from './start-gerrit.js';

/**
 * The run's Gerrit, or undefined when it is unavailable and CI is not 'true'. Its stop() is a no-op
 * when the Gerrit is shared (the global teardown stops it); call it in afterAll either way.
 */
export function gerritForTests(): Promise<RunningPeer<GerritPeerInfo> | undefined> {
  return startPeerOrSkip('gerrit', async () => {
    const broker = inject('gicGerritBroker') as string | undefined;
    if (broker === undefined) return startGerrit();
    const answer = await askBroker(broker);
    if (!answer.ok) throw answer.unavailable ? new PeerUnavailableError(answer.reason) : new Error(answer.reason);
    return { info: answer.info, stop: async () => {} };
  });
}

/** node:http rather than fetch: a cold start takes longer than fetch's default header timeout. */
function askBroker(url: string): Promise<BrokerAnswer> {
  return new Promise((resolve, reject) => {
    const call = request(url, { method: 'POST' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as BrokerAnswer);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    call.on('error', reject);
    call.end();
  });
}
