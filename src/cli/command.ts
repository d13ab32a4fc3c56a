// The shape of one `gic` command: its documentation (name, description, usage, examples), its flags
// (node:util parseArgs options, each with a description for --help) and `run`. A command never calls
// process.exit and never writes to process.stdout itself: it returns an outcome and writes through `io`.
import type { Logger } from '../log.js';
import type { CliIo } from './output/cli-io.js';
import type { OutputFormat } from './output/output-format.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
  /** Placeholder shown in --help, e.g. `PATH`. */
  readonly valueName?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/**
 * What a command ran into: `ok`, findings at or above the failure threshold (also input errors not
 * accepted, `check --exit-code` on a decision other than ALLOW), a bad request, or a named object that
 * does not exist (a batch line naming an unknown workload), or a live system that did not answer
 * (the cluster of a server-side dry-run).
 */
export type CommandStatus = 'ok' | 'findings' | 'bad-request' | 'not-found' | 'unavailable';

export interface CommandOutcome {
  readonly status: CommandStatus;
}

export interface CommandContext {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  /** Output format after defaults (human on a terminal, JSON otherwise). */
  readonly format: OutputFormat;
  readonly io: CliIo;
  readonly logger: Logger;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly description: string;
  /** The synopsis, e.g. `gic validate PATH... [-o json]`. */
  readonly usage: string;
  readonly examples: readonly string[];
  readonly options: OptionSpecs;
  /** Output formats the command supports; the first one that is not `human` is the non-terminal default. */
  readonly formats: readonly OutputFormat[];
  /** Placeholder for positional arguments in --help, or undefined when the command takes none. */
  readonly positionals?: string;
  /** Non-terminal default format when `-o` is absent and it depends on the flags (e.g. jsonl for a batch). */
  defaultFormat?(values: OptionValues): OutputFormat | undefined;
  run(context: CommandContext): Promise<CommandOutcome>;
}
