// Starts the Istio oracle peer: builds it with scripts/peers/build-istio-oracle.sh when the cached binary
// for the current sources is missing (a cold build of istio.io/istio takes minutes), then checks that
// it runs. The oracle is a command, not a server; like every peer, the running peer holds the process in
// the foreground (`npm run peer -- istio-oracle` waits for Ctrl-C) until stop().
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PeerUnavailableError, type RunningPeer } from '../peer.js';
import { oracleVersion } from './oracle-client.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const buildScript = path.join(repoRoot, 'scripts/peers/build-istio-oracle.sh');

/** Runs the build script (progress to our stderr) and returns the binary path it prints. */
async function buildOracle(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [buildScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (error) => reject(new PeerUnavailableError(`cannot run ${buildScript}: ${error.message}`)));
    child.on('close', (code) => {
      const binary = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && binary !== '') resolve(binary);
      else if (code === 3) reject(new PeerUnavailableError('Go is not installed and the Istio oracle is not built'));
      else reject(new Error(`${buildScript} exited with ${code}`));
    });
  });
}

export async function startIstioOracle(): Promise<RunningPeer<{ command: string[] }>> {
  const binary = await buildOracle();
  const command = [binary];
  const versions = await oracleVersion(command);
  if (versions.istio === '') throw new Error(`the Istio oracle at ${binary} reports no istio.io/istio version`);
  const keepAlive = setInterval(() => {}, 1 << 30);
  return {
    info: { command },
    stop: async () => {
      clearInterval(keepAlive);
    },
  };
}
