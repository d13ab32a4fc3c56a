// --help text for the program and for each command, built from the commands' own documentation
// (name, description, usage, options, examples) so help can never drift from the flags.
import type { Command, OptionSpecs } from './command.js';

export const GLOBAL_OPTIONS: OptionSpecs = {
  output: { type: 'string', short: 'o', valueName: 'FORMAT', description: 'output format: human (default on a terminal), json, or jsonl where supported' },
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
  'log-level': { type: 'string', valueName: 'LEVEL', description: 'stderr log level: debug, info, warn (default), error' },
  'log-format': { type: 'string', valueName: 'FORMAT', description: 'stderr log lines: human (default on a terminal) or json (default otherwise)' },
};

/** `gic groups` alone: the subcommands of a command group. */
export function commandGroupHelp(group: string, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [`Usage: gic ${group} SUBCOMMAND [options]`, '', 'Subcommands:', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`), '', `Run \`gic ${group} SUBCOMMAND --help\` for the options of a subcommand.`];
  return `${lines.join('\n')}\n`;
}

export function programHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    'gic: Gerrit Istio Copilot. Who can reach what in an Istio mesh, and why.',
    '',
    'Usage: gic COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`),
    '',
    'Run `gic COMMAND --help` for the options of a command.',
    'Exit codes: 0 ok, 2 usage error or bad request, 3 findings or input errors, 4 unreadable input or unknown object, 5 a live system failed.',
  ];
  return `${lines.join('\n')}\n`;
}

export function commandHelp(command: Command): string {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short !== undefined ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    const repeat = spec.multiple === true ? ' (repeatable)' : '';
    return [flag, `${spec.description}${repeat}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [
    `gic ${command.name}: ${command.description}`,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    '',
    `Output formats: ${command.formats.join(', ')}`,
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
  ];
  return `${lines.join('\n')}\n`;
}
