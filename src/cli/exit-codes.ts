// The one table from outcomes and typed errors to process exit codes (docs/cli.md "Exit codes"):
// 0 success, 2 usage error or bad request JSON, 3 findings at or above the failure threshold,
// 4 input that cannot be read. Anything else (a bug) is 1. Only main.ts turns this into process.exit.
import { AppError } from '../errors.js';
import type { CommandStatus } from './command.js';

export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  'bad-request': 2,
  findings: 3,
  'input-unreadable': 4,
} as const satisfies Readonly<Record<CommandStatus | 'internal' | 'usage' | 'input-unreadable', number>>;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Exit code of a command that returned normally. */
export function exitCodeForStatus(status: CommandStatus): ExitCode {
  return EXIT_CODES[status];
}

/** Exit code of a command that threw: the AppError's code when the table knows it, else internal (1). */
export function exitCodeForError(error: unknown): ExitCode {
  if (AppError.isInstance(error) && error.code !== 'ok' && Object.hasOwn(EXIT_CODES, error.code)) {
    return EXIT_CODES[error.code as keyof typeof EXIT_CODES];
  }
  return EXIT_CODES.internal;
}
