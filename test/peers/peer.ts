// The shape every test peer shares (kube-apiserver, Istio oracle, Gerrit, model server), and the one
// rule for a peer that cannot start: with CI=true the suite fails with the reason; elsewhere it is
// skipped with the reason printed.

/** A started peer: its connection details and a way to stop everything it started. */
export interface RunningPeer<Info extends object> {
  readonly info: Info;
  stop(): Promise<void>;
}

/** Thrown by a peer's start function when the machine lacks what the peer needs. */
export class PeerUnavailableError extends Error {
  override readonly name = 'PeerUnavailableError';
}

/**
 * Starts a peer for a test file. Returns undefined (after printing why) when the peer is unavailable
 * and CI is not set, so the suite can `describe.skipIf(!peer)`; under CI=true it rethrows.
 */
export async function startPeerOrSkip<Info extends object>(
  name: string,
  start: () => Promise<RunningPeer<Info>>,
): Promise<RunningPeer<Info> | undefined> {
  try {
    return await start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env['CI'] === 'true') {
      throw new Error(`test peer ${name} could not start (CI=true, so this fails): ${reason}`, { cause: error });
    }
    console.warn(`[skip] test peer ${name} is unavailable, skipping its suites: ${reason}`);
    return undefined;
  }
}
