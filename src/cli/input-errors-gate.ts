// The CLI side of "fail closed" (docs/cli.md, docs/input-errors.md): the `--allow-input-errors` flag of
// the commands that answer from a mesh, the human block that leads their output when the mesh has
// input errors, the stderr note, and the outcome: exit 3 unless the flag accepts the errors (the
// `inputErrors` key stays in the JSON either way).
import type { Logger } from '../log.js';
import { describeInputError, type InputError } from '../policy/parse/input-errors.js';
import type { CommandStatus, OptionSpecs, OptionValues } from './command.js';

export const INPUT_ERROR_OPTIONS: OptionSpecs = {
  'allow-input-errors': {
    type: 'boolean',
    description: 'answer even when the mesh has input errors (they stay listed under "inputErrors"); without it such an answer exits 3',
  },
};

export function allowsInputErrors(values: OptionValues): boolean {
  return values['allow-input-errors'] === true;
}

/** The status input errors impose: `findings` (exit 3) when there are any and they are not accepted. */
export function inputErrorStatus(errors: readonly InputError[], values: OptionValues): CommandStatus {
  return errors.length > 0 && !allowsInputErrors(values) ? 'findings' : 'ok';
}

/** The human block that leads the output: empty when there are no input errors. */
export function renderInputErrors(errors: readonly InputError[], values: OptionValues): string {
  if (errors.length === 0) return '';
  const head = allowsInputErrors(values)
    ? `INPUT ERRORS (${errors.length}), accepted with --allow-input-errors: the answer below leaves these out`
    : `INPUT ERRORS (${errors.length}): the answer below leaves these out and must not be used (exit 3; --allow-input-errors accepts them)`;
  return `${head}\n${errors.map((e) => `  ${describeInputError(e)}`).join('\n')}\n\n`;
}

/** One stderr line that says what happened, so a script reading only the exit code finds the reason. */
export function logInputErrors(logger: Logger, errors: readonly InputError[], values: OptionValues, what = 'the mesh'): void {
  if (errors.length === 0) return;
  const first = errors[0]!;
  const message = `${what} has ${errors.length} input error${errors.length === 1 ? '' : 's'} (listed under "inputErrors"), first ${describeInputError(first)}`;
  if (allowsInputErrors(values)) logger.warn(`${message}; accepted with --allow-input-errors`, { inputErrors: errors.length });
  else logger.error(`${message}; the answer is not usable: exit 3 (--allow-input-errors accepts them)`, { inputErrors: errors.length });
}

/** The worse of two statuses for the exit code: unavailable (5) over not-found (4) over bad-request (2) over findings (3) over ok. */
export function worseStatus(a: CommandStatus, b: CommandStatus): CommandStatus {
  const rank: Readonly<Record<CommandStatus, number>> = { ok: 0, findings: 1, 'bad-request': 2, 'not-found': 3, unavailable: 4 };
  return rank[a] >= rank[b] ? a : b;
}
