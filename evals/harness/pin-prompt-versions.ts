// `--prompt-version ID=N`: runs the copilot with an older (or newer) version of one prompt of
// prompts/, so that one gic build can measure a prompt change before and after (`draft-intent=1`).
// It sets the version in the process's prompt catalog references before any use case runs; the result
// file records the versions used. Refuses an unknown prompt id or a version without a file.
import { loadPromptCatalog, PROMPTS } from '../../src/copilot/prompt-catalog.js';

export function pinPromptVersions(pins: readonly string[]): void {
  const catalog = loadPromptCatalog();
  for (const pin of pins) {
    const match = /^([a-z0-9-]+)=(\d+)$/.exec(pin.trim());
    if (match === null) throw new Error(`--prompt-version ${pin}: write ID=N, e.g. draft-intent=1`);
    const [, id, version] = match as unknown as [string, string, string];
    const ref = Object.values(PROMPTS).find((p) => p.id === id);
    if (ref === undefined) throw new Error(`--prompt-version ${pin}: no prompt ${id} (known: ${Object.values(PROMPTS).map((p) => p.id).join(', ')})`);
    if (!catalog.has(`${id}.v${version}`)) throw new Error(`--prompt-version ${pin}: there is no prompts/${id}.v${version}.md`);
    (ref as { version: number }).version = Number(version);
  }
}
