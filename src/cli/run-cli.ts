// Runs one `gic` invocation: picks the command, parses its flags with node:util parseArgs (errors in
// gic's own words; a single-value flag given twice is an error), resolves the output format and the
// log format, runs it, and maps the outcome or error to an exit code through exit-codes.ts.
// It returns the exit code; main.ts is the only place that exits the process.
import { parseArgs } from 'node:util';

import { SECRET_SETTINGS } from '../config/secret-settings.js';
import { AppError } from '../errors.js';
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../log.js';
import { closest } from '../policy/parse/near-miss.js';
import { ALL_COMMANDS } from './all-commands.js';
import type { Command, OptionSpecs, OptionValues } from './command.js';
import { EXIT_CODES, exitCodeForError, exitCodeForStatus, type ExitCode } from './exit-codes.js';
import { commandGroupHelp, commandHelp, GLOBAL_OPTIONS, programHelp } from './help.js';
import type { CliIo } from './output/cli-io.js';
import { resolveOutputFormat } from './output/output-format.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly Command[] = ALL_COMMANDS): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? commands.find((c) => c.name === rest.join(' ')) ?? commands.find((c) => c.name === rest[0]) : undefined;
    const group = first === 'help' && topic === undefined && rest[0] !== undefined ? subcommandsOf(commands, rest[0]) : [];
    io.stdout(topic !== undefined ? commandHelp(topic) : group.length > 0 ? commandGroupHelp(rest[0]!, group) : programHelp(commands));
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
    // `gic groups` alone (or with an unknown subcommand): the subcommands of the group.
    const group = subcommandsOf(commands, first);
    if (group.length > 0) {
      const asked = rest[0] === '--help' || rest[0] === '-h';
      if (!asked && rest[0] !== undefined) io.stderr(`gic ${first}: unknown subcommand "${rest[0]}"\n`);
      io.stdout(commandGroupHelp(first, group));
      return asked ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const near = closest(first, commands.map((c) => c.name.split(' ')[0]!));
    io.stderr(`gic: unknown command "${first}"${near === undefined ? '' : ` (did you mean "${near}"?)`}; commands: ${[...new Set(commands.map((c) => c.name))].join(', ')}\n`);
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
    const logFormat = resolveLogFormat(parsed.values['log-format'], io.stderrIsTTY === true);
    const logger = createLogger({ sink: { write: (line) => io.stderr(line) }, level: logLevel, format: logFormat, redactPaths: SECRET_SETTINGS, fields: { command: command.name } });
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

/** The commands whose first word is `word` (`groups` -> `groups list`, `groups show`). */
function subcommandsOf(commands: readonly Command[], word: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${word} `));
}

function parseFlags(command: Command, args: readonly string[]): { values: OptionValues; positionals: string[] } {
  const specs: OptionSpecs = { ...command.options, ...GLOBAL_OPTIONS };
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short !== undefined ? { short: spec.short } : {}), ...(spec.multiple === true ? { multiple: true } : {}) },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw new AppError('usage', describeParseError(error, command, specs), { cause: error });
  }
  const { values, positionals, tokens } = parsed;
  // parseArgs keeps the last value of a repeated single-value flag: refuse instead of guessing.
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = specs[token.name];
    if (spec === undefined || spec.type !== 'string' || spec.multiple === true) continue;
    counts.set(token.name, (counts.get(token.name) ?? 0) + 1);
  }
  for (const [name, count] of counts) {
    if (count > 1) throw new AppError('usage', `--${name} is given ${count} times; it takes one value`);
  }
  if (command.positionals === undefined && positionals.length > 0) {
    throw new AppError('usage', `unexpected argument "${positionals[0]}": gic ${command.name} takes only flags`);
  }
  return { values: values as OptionValues, positionals };
}

/** parseArgs' errors, said in gic's words (no hints about `--` that do not apply to gic). */
function describeParseError(error: unknown, command: Command, specs: OptionSpecs): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  const flagOf = (name: string): string => `--${name}${specs[name]?.type === 'string' ? ` ${specs[name]?.valueName ?? 'VALUE'}` : ''}`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'([^']+)'/.exec(message)?.[1] ?? '?';
    const bare = given.replace(/^-+/, '').split('=')[0] ?? '';
    const near = closest(bare, Object.keys(specs));
    return `unknown flag ${given}${near === undefined ? '' : ` (did you mean --${near}?)`}; gic ${command.name} takes ${Object.keys(specs).map((n) => `--${n}`).join(', ')}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /--([\w-]+)/.exec(message)?.[1] ?? '';
    if (message.includes('does not take an argument')) return `--${name} is a switch and takes no value`;
    if (message.includes('ambiguous')) return `${flagOf(name)} needs a value; to give one that starts with "-", write --${name}=VALUE`;
    return `${flagOf(name)} needs a value`;
  }
  return message;
}

function resolveLogLevel(value: unknown): LogLevel {
  if (value === undefined) return 'warn';
  if (typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new AppError('usage', `unknown log level "${String(value)}"; use one of: ${LOG_LEVELS.join(', ')}`);
}

/** Human lines for a person at a terminal, JSON lines for anything else, unless `--log-format` says. */
function resolveLogFormat(value: unknown, stderrIsTTY: boolean): LogFormat {
  if (value === undefined) return stderrIsTTY ? 'human' : 'json';
  if (typeof value === 'string' && (LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new AppError('usage', `unknown log format "${String(value)}"; use one of: ${LOG_FORMATS.join(', ')}`);
}
