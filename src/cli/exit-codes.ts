// The one table from outcomes and typed errors to process exit codes (docs/cli.md "Exit codes"):
// 0 success, 2 usage error or bad request JSON, 3 findings at or above the failure threshold,
// 4 input that cannot be read (also a named object that does not exist), and, as an extension,
// 5 a live system (Gerrit, the cluster, the model, the store) that failed. Anything else (a bug) is 1. Only main.ts turns this into process.exit.
import { AppError } from '../errors.js';
import type { CommandStatus } from './command.js';

export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  'bad-request': 2,
  /** A setting the command needs is missing (no mesh, no Gerrit, no policy repository). */
  'not-configured': 2,
  findings: 3,
  /** gic refused to act (`gic submit` of a proposal that is not verified): the same exit as findings. */
  refused: 3,
  'input-unreadable': 4,
  /** A named object (a Gerrit group, a workload) does not exist: the input cannot be read. */
  'not-found': 4,
  /** A live system (Gerrit, the cluster, the model) failed, refused the credentials or timed out. */
  unavailable: 5,
} as const satisfies Readonly<Record<CommandStatus | 'internal' | 'usage' | 'not-configured' | 'refused' | 'input-unreadable' | 'not-found' | 'unavailable', number>>;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Error codes of the adapters (`gerrit-unauthorized`, `kube-timeout`, `store-busy`, ...). */
const LIVE_SYSTEM_ERROR = /^(gerrit|kube|model|store)-/;

/** Exit code of a command that returned normally. */
export function exitCodeForStatus(status: CommandStatus): ExitCode {
  return EXIT_CODES[status];
}

/** Exit code of a command that threw: the AppError's code when the table knows it, else internal (1). */
export function exitCodeForError(error: unknown): ExitCode {
  if (AppError.isInstance(error) && error.code !== 'ok' && Object.hasOwn(EXIT_CODES, error.code)) {
    return EXIT_CODES[error.code as keyof typeof EXIT_CODES];
  }
  if (AppError.isInstance(error) && LIVE_SYSTEM_ERROR.test(error.code)) {
    return error.code.endsWith('-not-found') ? EXIT_CODES['not-found'] : EXIT_CODES.unavailable;
  }
  return EXIT_CODES.internal;
}
