// Copilot dependencies for tests: the demo mesh (or given files) as a FileMeshSource, the demo Gerrit
// snapshot as the group source, the SQLite store in a fresh temporary data directory, a fixed clock and
// proposal ids, no model unless given.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CopilotDeps } from '../../src/copilot/deps.js';
import { SnapshotGroupSource } from '../../src/gerrit/snapshot-group-source.js';
import { FileMeshSource } from '../../src/kube/file-mesh-source.js';
import { silentLogger } from '../../src/log.js';
import type { ChatModel } from '../../src/model/chat-model.js';
import type { Store } from '../../src/store/store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

export const REPO = join(import.meta.dirname, '..', '..');
export const DEMO_MESH = join(REPO, 'examples', 'demo-mesh');
export const DEMO_GERRIT = join(REPO, 'examples', 'demo-gerrit');
/** Wednesday 25 November 2026, 10:30 UTC. */
export const NOW = new Date('2026-11-25T10:30:00Z');

export interface FixtureOptions {
  readonly mesh?: readonly string[] | { readonly file: string; readonly text: string }[];
  readonly groups?: boolean;
  readonly model?: ChatModel;
  readonly store?: Store;
  readonly extra?: Partial<CopilotDeps>;
}

export async function copilotDeps(options: FixtureOptions = {}): Promise<CopilotDeps> {
  const meshOption = options.mesh ?? [DEMO_MESH];
  const inline = meshOption.length > 0 && typeof meshOption[0] === 'object' ? (meshOption as { file: string; text: string }[]) : undefined;
  const mesh = inline !== undefined ? new FileMeshSource(['inline'], { read: () => Promise.resolve(inline) }) : new FileMeshSource(meshOption as string[]);
  await mesh.start();
  let id = 0;
  let conversations = 0;
  const store = options.store ?? (await openSqliteStore({ dataDir: mkdtempSync(join(tmpdir(), 'gic-copilot-test-')), clock: () => NOW, newId: () => `c${++conversations}`, synchronous: 'normal' }));
  return {
    mesh,
    ...(options.groups === false ? {} : { groups: await SnapshotGroupSource.load(DEMO_GERRIT) }),
    ...(options.model !== undefined ? { model: options.model } : {}),
    store,
    clock: () => NOW,
    logger: silentLogger,
    settings: { groupsClaim: { claim: 'groups', valueKind: 'name' } },
    newId: () => `p${++id}`,
    ...options.extra,
  };
}
