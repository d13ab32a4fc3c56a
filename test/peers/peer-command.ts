// `npm run peer -- NAME [ARGS]`: starts one test peer in the foreground, prints its connection details as
// one JSON line on stdout when it is ready, and stops everything it started on Ctrl-C or SIGTERM.
// `npm run peer -- model --real [--size 1.5b|0.5b]` starts the real model (llama-server) instead of the
// scripted one, provisioning it first when it is not cached.
import type { RunningPeer } from './peer.js';

type Starter = (args: readonly string[]) => Promise<RunningPeer<object>>;

async function startModel(args: readonly string[]): Promise<RunningPeer<object>> {
  if (!args.includes('--real')) return (await import('./model/start-model-server.js')).startModelServer();
  const sizeAt = args.indexOf('--size');
  const size = sizeAt < 0 ? '1.5b' : args[sizeAt + 1];
  if (size !== '1.5b' && size !== '0.5b') throw new Error(`--size must be 1.5b or 0.5b, got ${String(size)}`);
  return (await import('./model/start-real-model.js')).startRealModel({ size, provision: true });
}

const peers: Record<string, () => Promise<Starter>> = {
  kube: async () => (await import('./kube/start-kube.js')).startKube,
  gerrit: async () => (await import('./gerrit/start-gerrit.js')).startGerrit,
  model: () => Promise.resolve(startModel),
  'istio-oracle': async () => (await import('./istio-oracle/start-istio-oracle.js')).startIstioOracle,
  postgres: async () => async () => (await import('./postgres/start-postgres.js')).startPostgres(),
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const load = name === undefined ? undefined : peers[name];
  if (load === undefined) {
    console.error(`usage: npm run peer -- ${Object.keys(peers).join('|')}  (model --real [--size 1.5b|0.5b]: the real model)`);
    process.exitCode = 2;
    return;
  }
  const start = await load();
  const peer = await start(process.argv.slice(3));
  process.stdout.write(`${JSON.stringify(peer.info)}\n`);
  // A peer whose server daemonizes (PostgreSQL via pg_ctl) leaves nothing in the event loop: stay up until a signal.
  setInterval(() => undefined, 1 << 30);
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
