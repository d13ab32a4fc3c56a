// Composition root of the `gic` command line: binds the CLI to the real process (argv, stdout,
// stderr) and is the only place that calls process.exit. Everything else lives in run-cli.ts.
import { processIo } from './output/cli-io.js';
import { runCli } from './run-cli.js';

// A reader that stops early (`gic check ... | head -1`) closes the pipe: stop quietly, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
// Let a piped stdout drain before exiting.
if (process.stdout.writableNeedDrain) process.stdout.once('drain', () => process.exit(code));
else process.exit(code);
