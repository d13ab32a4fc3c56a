// Fail closed on mesh input errors (docs/input-errors.md) for tools whose answer is a decision or an
// access delta: such an answer is an `isError` result that leads with the errors and says the answer is
// not usable, unless the caller passed `allowInputErrors` (the MCP counterpart of the CLI's
// `--allow-input-errors`); then the result carries them under `inputErrors`.
import { AppError } from '../src/errors.js';
import type { InputError } from '../src/policy/parse/input-errors.js';

/** A block of text that leads with the input errors (empty when there are none). */
export function renderInputErrors(errors: readonly InputError[]): string {
  if (errors.length === 0) return '';
  const lines = errors.slice(0, 20).map((e) => `  ${e.file}:${e.line} ${e.field === '' ? '' : `${e.field}: `}${e.message} [${e.rule}]`);
  if (errors.length > 20) lines.push(`  ... and ${errors.length - 20} more`);
  return `INPUT ERRORS (${errors.length}): the mesh could not be read as a cluster would read it; answers computed on it may be wrong\n${lines.join('\n')}\n\n`;
}

/** Throws AppError `input-errors` when the mesh has input errors and the caller did not accept them. */
export function refuseOnInputErrors(errors: readonly InputError[], allowed: boolean | undefined, answer: string): void {
  if (errors.length === 0 || allowed === true) return;
  throw new AppError(
    'input-errors',
    `${renderInputErrors(errors)}The answer below was computed without the objects that could not be read and is NOT usable: fix the mesh files, or call again with allowInputErrors: true to accept it knowingly.\n\n(not usable) ${answer}`,
    { details: { inputErrors: errors } },
  );
}
