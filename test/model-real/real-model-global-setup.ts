// vitest globalSetup of the `model-real` project: starts the real model peer (llama-server with
// Qwen2.5-Coder, test/peers/model/start-real-model.ts) once for every file of the project, from what
// `GIC_REAL_MODEL=1 npm run peers:setup` cached, and provides its connection details (inject
// 'gicRealModel'). It never downloads or builds: an unprovisioned machine gets `ok: false` with the reason,
// which real-model.ts turns into a failure under CI=true and a printed skip elsewhere.
import type { TestProject } from 'vitest/node';

import { PeerUnavailableError } from '../peers/peer.js';
import { startRealModel, type RealModelInfo, type RealModelSize } from '../peers/model/start-real-model.js';

export type RealModelAnswer = { readonly ok: true; readonly info: RealModelInfo } | { readonly ok: false; readonly unavailable: boolean; readonly reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    gicRealModel: RealModelAnswer;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const size: RealModelSize = process.env['GIC_REAL_MODEL_SIZE'] === '0.5b' ? '0.5b' : '1.5b';
  try {
    const peer = await startRealModel({ size });
    project.provide('gicRealModel', { ok: true, info: peer.info });
    return () => peer.stop();
  } catch (error) {
    project.provide('gicRealModel', { ok: false, unavailable: error instanceof PeerUnavailableError, reason: error instanceof Error ? error.message : String(error) });
    return () => Promise.resolve();
  }
}
