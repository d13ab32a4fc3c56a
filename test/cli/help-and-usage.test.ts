// The program-level behaviour of the real binary: --help for the program and for every command,
// unknown commands and flags (exit 2), and --version.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ALL_COMMANDS } from '../../src/cli/all-commands.js';
import { REPO_ROOT, runGic } from './run-gic.js';

describe('gic help and usage', () => {
  it('lists every command in --help and exits 0', async () => {
    const run = await runGic(['--help']);
    expect(run.code).toBe(0);
    for (const command of ALL_COMMANDS) expect(run.stdout).toContain(`  ${command.name}`);
  });

  it.each(ALL_COMMANDS.map((c) => [c.name, c] as const))('documents every flag of `%s --help`', async (name, command) => {
    const run = await runGic([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: ${command.usage}`);
    for (const flag of [...Object.keys(command.options), 'output', 'help']) expect(run.stdout).toContain(`--${flag}`);
    expect(command.examples.length).toBeGreaterThan(0);
  });

  it('refers only to example files that exist', () => {
    const paths = ALL_COMMANDS.flatMap((c) => c.examples.flatMap((e) => [...e.matchAll(/(?:@|\s)(examples\/[\w./-]+)/g)].map((m) => m[1] ?? '')));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
  });

  it('exits 2 on an unknown command, naming the known ones', async () => {
    const run = await runGic(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stderr).toContain('validate');
  });

  it('exits 2 with no command at all, after printing help', async () => {
    const run = await runGic([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Usage: gic COMMAND');
  });

  it('prints the version', async () => {
    const run = await runGic(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^gic \d+\.\d+\.\d+\n$/);
  });
});
