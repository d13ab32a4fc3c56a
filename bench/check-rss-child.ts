// Child process of run-benchmarks.ts for the memory target: runs exactly what `gic check --mesh DIR
// --requests FILE -o jsonl` runs (read the files, parse, compile once, evaluate every line), with the
// output counted and discarded, then prints one JSON line with its own peak RSS and timings.
// Usage: node --import tsx bench/check-rss-child.ts MESH_DIR REQUESTS_FILE
import { runCli } from '../src/cli/run-cli.js';

const [meshDir, requestsFile] = process.argv.slice(2);
if (meshDir === undefined || requestsFile === undefined) throw new Error('usage: check-rss-child.ts MESH_DIR REQUESTS_FILE');
let lines = 0;
let errors = '';
const start = process.hrtime.bigint();
const code = await runCli(['check', '--mesh', meshDir, '--requests', requestsFile, '-o', 'jsonl', '--log-level', 'error'], {
  stdout: (text) => void (lines += text.split('\n').length - 1),
  stderr: (text) => void (errors += text),
  stdoutIsTTY: false,
});
const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ exitCode: code, lines, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, stderr: errors.slice(0, 2000) })}\n`,
);
