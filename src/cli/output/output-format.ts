// Output formats (`-o human|json|jsonl`) and how the default is chosen: human on a terminal, the
// command's first machine format otherwise, so pipes and CI get JSON without asking.
import { AppError } from '../../errors.js';

export const OUTPUT_FORMATS = ['human', 'json', 'jsonl', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Resolves `-o` against what the command supports; an unsupported value is a usage error. */
export function resolveOutputFormat(
  requested: string | undefined,
  supported: readonly OutputFormat[],
  stdoutIsTTY: boolean,
): OutputFormat {
  if (requested === undefined) {
    if (stdoutIsTTY && supported.includes('human')) return 'human';
    return supported.find((f) => f !== 'human') ?? 'human';
  }
  const format = requested === 'text' ? 'human' : requested;
  if (!(supported as readonly string[]).includes(format)) {
    throw new AppError('usage', `unsupported output format "${requested}"; use one of: ${supported.join(', ')}`);
  }
  return format as OutputFormat;
}
