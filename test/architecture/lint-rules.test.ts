// Proves the ESLint configuration enforces the dependency rules: a file that breaks one is a lint error
// (the same rules test/architecture/imports.test.ts holds over the real imports).
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('lint enforces the architecture', () => {
  it('rejects Node built-ins, process and Date.now in the engine', async () => {
    const ids = await ruleIdsFor(
      'src/policy/evaluate/lint-probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = [readFileSync, process.env['A'], Date.now()];\n",
    );
    expect(ids).toContain('no-restricted-imports');
    expect(ids).toContain('no-restricted-globals');
    expect(ids).toContain('no-restricted-properties');
  });

  it('rejects engine and adapter imports of test code', async () => {
    const engine = await ruleIdsFor(
      'src/policy/evaluate/lint-probe.ts',
      "import { startPeerOrSkip } from '../../../test/peers/peer.js';\nexport const x = startPeerOrSkip;\n",
    );
    expect(engine).toContain('import-x/no-restricted-paths');
    const adapter = await ruleIdsFor(
      'src/gerrit/lint-probe.ts',
      "import { startPeerOrSkip } from '../../test/peers/peer.js';\nexport const x = startPeerOrSkip;\n",
    );
    expect(adapter).toContain('import-x/no-restricted-paths');
  });

  it('rejects console and process.exit outside their places, and accepts clean engine code', async () => {
    const ids = await ruleIdsFor('src/kube/lint-probe.ts', "console.log('x');\nprocess.exit(1);\n");
    expect(ids).toContain('no-console');
    expect(ids).toContain('no-restricted-syntax');
    const clean = await ruleIdsFor('src/policy/evaluate/lint-probe.ts', 'export const x = 1;\n');
    expect(clean).toEqual([]);
  });
});
