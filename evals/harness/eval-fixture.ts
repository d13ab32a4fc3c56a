// The copilot dependencies of one eval attempt: the task's mesh (the demo mesh or files under
// evals/fixtures) as a FileMeshSource, its Gerrit snapshot as the group source, a fresh SQLite store in a
// temporary directory, a fixed clock (Wednesday 2026-11-25 10:30 UTC, so "until Friday" has one answer)
// and numbered ids. No cluster and no Gerrit writer: every write an attempt could make is visible in the
// store (proposals) and nothing leaves the machine but the model call.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CopilotDeps } from '../../src/copilot/deps.js';
import { SnapshotGroupSource } from '../../src/gerrit/snapshot-group-source.js';
import { FileMeshSource } from '../../src/kube/file-mesh-source.js';
import { silentLogger } from '../../src/log.js';
import type { ChatModel } from '../../src/model/chat-model.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { EVALS_DIR } from './load-tasks.js';
import type { Fixture } from './task-file.js';

const REPO = join(EVALS_DIR, '..');
export const DEMO_MESH = join(REPO, 'examples', 'demo-mesh');
export const DEMO_GERRIT = join(REPO, 'examples', 'demo-gerrit');
export const FIXTURES_DIR = join(EVALS_DIR, 'fixtures');
/** The evals' clock: Wednesday 25 November 2026, 10:30 UTC. */
export const EVAL_NOW = new Date('2026-11-25T10:30:00Z');

export interface EvalDeps {
  readonly deps: CopilotDeps;
  /** Closes the store and removes its directory. */
  close(): Promise<void>;
}

/** The mesh paths of a fixture. */
export function meshPaths(fixture: Fixture): string[] {
  const base = fixture.mesh === 'demo' ? [DEMO_MESH] : fixture.mesh.map((p) => join(FIXTURES_DIR, p));
  return [...base, ...fixture.meshExtra.map((p) => join(FIXTURES_DIR, p))];
}

export async function evalDeps(fixture: Fixture, model: ChatModel | undefined): Promise<EvalDeps> {
  const mesh = new FileMeshSource(meshPaths(fixture));
  await mesh.start();
  const dir = await mkdtemp(join(tmpdir(), 'gic-evals-'));
  let conversations = 0;
  let proposals = 0;
  const store = await openSqliteStore({ dataDir: dir, clock: () => EVAL_NOW, newId: () => `c${++conversations}`, synchronous: 'normal' });
  const groups = await SnapshotGroupSource.load(fixture.gerrit === 'demo' ? DEMO_GERRIT : join(FIXTURES_DIR, fixture.gerrit));
  const deps: CopilotDeps = {
    mesh,
    groups,
    ...(model === undefined ? {} : { model }),
    store,
    clock: () => EVAL_NOW,
    logger: silentLogger,
    settings: { groupsClaim: { claim: 'groups', valueKind: 'name' } },
    newId: () => `p${++proposals}`,
  };
  return {
    deps,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
