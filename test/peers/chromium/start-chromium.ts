// The browser peer: Debian's Chromium (package `chromium`, /usr/bin/chromium; GIC_CHROMIUM names another
// binary) driven by playwright-core, for the chat page tests. Follows the peer rule: a machine without
// Chromium skips its suites with the reason printed, or fails under CI=true (.ci/run installs it:
// `apt-get install -y --no-install-recommends chromium`).
import { existsSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';

import { PeerUnavailableError, type RunningPeer, startPeerOrSkip } from '../peer.js';

export const CHROMIUM = process.env['GIC_CHROMIUM'] ?? '/usr/bin/chromium';

export function chromiumForTests(): Promise<RunningPeer<{ browser: Browser }> | undefined> {
  return startPeerOrSkip('chromium', async () => {
    if (!existsSync(CHROMIUM)) throw new PeerUnavailableError(`no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium, or set GIC_CHROMIUM)`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    return { info: { browser }, stop: () => browser.close() };
  });
}
