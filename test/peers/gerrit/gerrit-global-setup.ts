// vitest globalSetup of the integration project: one Gerrit per test run, started lazily. It starts no
// Gerrit itself; it opens a loopback "broker" endpoint and provides its URL to test files (inject
// 'gicGerritBroker'). The first test file that asks for Gerrit (gerrit-test-peer.ts) makes the broker
// start it; later files get the same one; teardown stops it. So runs without Gerrit tests pay nothing.
import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import { PeerUnavailableError, type RunningPeer } from '../peer.js';
import { startGerrit, type GerritPeerInfo } from './start-gerrit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL to POST to for the run's shared Gerrit; the answer is a BrokerAnswer. */
    gicGerritBroker: string;
  }
}

/** The broker's JSON answer. */
export type BrokerAnswer =
  | { ok: true; info: GerritPeerInfo }
  | { ok: false; unavailable: boolean; reason: string };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let peer: Promise<RunningPeer<GerritPeerInfo>> | undefined;
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/gerrit') {
      response.writeHead(404).end();
      return;
    }
    request.resume();
    peer ??= startGerrit();
    const answer = (body: BrokerAnswer): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    peer.then(
      (running) => answer({ ok: true, info: running.info }),
      (error: unknown) =>
        answer({
          ok: false,
          unavailable: error instanceof PeerUnavailableError,
          reason: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  // A cold start (war fetch + init + daemon) can take minutes: no server-side timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('broker has no TCP address');
  project.provide('gicGerritBroker', `http://127.0.0.1:${address.port}/gerrit`);

  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (peer !== undefined) {
      const running = await peer.catch(() => undefined);
      await running?.stop();
    }
  };
}
