// The real model for a test file of the `model-real` project: the connection details the global setup
// provided, or undefined (after printing why) when the peer is unavailable and CI is not set. Under
// CI=true an unavailable real model fails the suite loudly.
import { inject } from 'vitest';

import type { RealModelInfo } from '../peers/model/start-real-model.js';

export function realModelOrSkip(): RealModelInfo | undefined {
  const answer = inject('gicRealModel');
  if (answer.ok) return answer.info;
  if (process.env['CI'] === 'true') throw new Error(`the real model peer could not start (CI=true, so this fails): ${answer.reason}`);
  console.warn(`[skip] the real model peer is unavailable, skipping its suites: ${answer.reason}`);
  return undefined;
}
