// `npm run peer -- NAME`: starts one test peer in the foreground, prints its connection details as
// one JSON line on stdout when it is ready, and stops everything it started on Ctrl-C or SIGTERM.
import type { RunningPeer } from './peer.js';

type Starter = () => Promise<RunningPeer<object>>;

const peers: Record<string, () => Promise<Starter>> = {
  kube: async () => (await import('./kube/start-kube.js')).startKube,
  gerrit: async () => (await import('./gerrit/start-gerrit.js')).startGerrit,
  model: async () => (await import('./model/start-model-server.js')).startModelServer,
  'istio-oracle': async () => (await import('./istio-oracle/start-istio-oracle.js')).startIstioOracle,
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const load = name === undefined ? undefined : peers[name];
  if (load === undefined) {
    console.error(`usage: npm run peer -- ${Object.keys(peers).join('|')}`);
    process.exitCode = 2;
    return;
  }
  const start = await load();
  const peer = await start();
  process.stdout.write(`${JSON.stringify(peer.info)}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 30_000);
    timer.unref();
    peer.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
