// Runs one `gic` invocation: picks the command, parses its flags with node:util parseArgs, resolves
// the output format, runs it, and maps the outcome or error to an exit code through exit-codes.ts.
// It returns the exit code; main.ts is the only place that exits the process.
import { parseArgs } from 'node:util';

import { AppError } from '../errors.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../log.js';
import { ALL_COMMANDS } from './all-commands.js';
import type { Command, OptionValues } from './command.js';
import { EXIT_CODES, exitCodeForError, exitCodeForStatus, type ExitCode } from './exit-codes.js';
import { commandHelp, GLOBAL_OPTIONS, programHelp } from './help.js';
import type { CliIo } from './output/cli-io.js';
import { resolveOutputFormat } from './output/output-format.js';

export const VERSION = '0.1.0';

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly Command[] = ALL_COMMANDS): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? commands.find((c) => c.name === rest.join(' ')) ?? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout(topic !== undefined ? commandHelp(topic) : programHelp(commands));
    return first === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (first === '--version' || first === 'version') {
    io.stdout(`gic ${VERSION}\n`);
    return EXIT_CODES.ok;
  }
  // Commands may have two words (`gic groups list`): the longer name wins.
  const twoWord = rest[0] === undefined ? undefined : commands.find((c) => c.name === `${first} ${rest[0]}`);
  const command = twoWord ?? commands.find((c) => c.name === first);
  const args = twoWord === undefined ? rest : rest.slice(1);
  if (command === undefined) {
    io.stderr(`gic: unknown command "${first}"; commands: ${commands.map((c) => c.name).join(', ')}\n`);
    return EXIT_CODES.usage;
  }
  let logLevel: LogLevel = 'warn';
  try {
    const parsed = parseFlags(command, args);
    if (parsed.values['help'] === true) {
      io.stdout(commandHelp(command));
      return EXIT_CODES.ok;
    }
    logLevel = resolveLogLevel(parsed.values['log-level']);
    const logger = createLogger({ sink: { write: (line) => io.stderr(line) }, level: logLevel, fields: { command: command.name } });
    const output = parsed.values['output'];
    const requested = typeof output === 'string' ? output : io.stdoutIsTTY ? undefined : command.defaultFormat?.(parsed.values);
    const format = resolveOutputFormat(requested, command.formats, io.stdoutIsTTY);
    const outcome = await command.run({ values: parsed.values, positionals: parsed.positionals, format, io, logger });
    return exitCodeForStatus(outcome.status);
  } catch (error) {
    const code = exitCodeForError(error);
    if (AppError.isInstance(error) && code !== EXIT_CODES.internal) {
      io.stderr(`gic ${command.name}: ${error.message}\n`);
      if (code === EXIT_CODES.usage && error.code === 'usage') io.stderr(`Run \`gic ${command.name} --help\` for usage.\n`);
    } else {
      const detail = error instanceof Error ? (logLevel === 'debug' ? (error.stack ?? error.message) : error.message) : String(error);
      io.stderr(`gic ${command.name}: internal error: ${detail}\n`);
    }
    return code;
  }
}

function parseFlags(command: Command, args: readonly string[]): { values: OptionValues; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short !== undefined ? { short: spec.short } : {}), ...(spec.multiple === true ? { multiple: true } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    if (command.positionals === undefined && positionals.length > 0) {
      throw new AppError('usage', `unexpected argument "${positionals[0]}"`);
    }
    return { values: values as OptionValues, positionals };
  } catch (error) {
    if (AppError.isInstance(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('usage', message, { cause: error });
  }
}

function resolveLogLevel(value: unknown): LogLevel {
  if (value === undefined) return 'warn';
  if (typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new AppError('usage', `unknown log level "${String(value)}"; use one of: ${LOG_LEVELS.join(', ')}`);
}
