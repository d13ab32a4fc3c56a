// Progress and cancellation for a use case: each stage checks the caller's AbortSignal (an aborted
// call stops with AppError `cancelled`, before any further side effect) and reports progress
// (`onProgress`, e.g. MCP progress notifications). No output of its own.
import { AppError } from '../errors.js';
import type { CallContext, CopilotStage } from './deps.js';

export type StageReporter = (stage: CopilotStage, message: string) => void;

/** Throws AppError `cancelled` when the call's signal has aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted !== true) return;
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the caller cancelled';
  throw new AppError('cancelled', `cancelled: ${why}`, { cause: reason });
}

/** A reporter for a call of `steps` stages (the count is a hint for progress bars). */
export function callStages(ctx: CallContext, steps: number): StageReporter {
  let step = 0;
  return (stage, message) => {
    throwIfCancelled(ctx.signal);
    step = Math.min(step + 1, Math.max(steps, step + 1));
    ctx.onProgress?.({ stage, message, step, steps: Math.max(steps, step) });
  };
}
