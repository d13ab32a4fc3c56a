// JSON output: one pretty document (`-o json`) or one compact line per item (`-o jsonl`), always on stdout.
import type { CliIo } from './cli-io.js';

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeJsonLine(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value)}\n`);
}
