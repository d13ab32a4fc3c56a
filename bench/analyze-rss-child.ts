// Child process of analyze-benchmarks.ts for the memory target: runs exactly what `gic analyze --mesh
// DIR -o json` runs (read the files, parse, build the snapshot, run every analyzer with witness checks,
// render the JSON report), with the output counted and discarded, then prints one JSON line with its
// own peak RSS and timings. Usage: node --import tsx bench/analyze-rss-child.ts MESH_DIR
import { runCli } from '../src/cli/run-cli.js';

const [meshDir] = process.argv.slice(2);
if (meshDir === undefined) throw new Error('usage: analyze-rss-child.ts MESH_DIR');
let bytes = 0;
let errors = '';
const start = process.hrtime.bigint();
const code = await runCli(['analyze', '--mesh', meshDir, '-o', 'json', '--failure-threshold', 'error', '--log-level', 'error'], {
  stdout: (text) => void (bytes += text.length),
  stderr: (text) => void (errors += text),
  stdoutIsTTY: false,
});
const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ exitCode: code, outputBytes: bytes, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, stderr: errors.slice(0, 2000) })}\n`,
);
