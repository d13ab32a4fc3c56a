// Every use case call lands in the audit log (docs/architecture.md "Safety rails"): who (the caller),
// what (the action), a hash of the inputs, the outcome, the model and prompt versions used, the
// evidence and the duration. A call that throws is recorded as `failed` (or `refused` for a refusal)
// and the error is rethrown unchanged. The audit append is awaited: a store that cannot record the
// call makes the call fail.
import { AppError } from '../errors.js';
import { withSpan } from '../tracing.js';
import type { AuditOutcome, ModelUse } from '../store/store.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { inputsHash } from './inputs-hash.js';

export interface AuditedResult<T> {
  readonly value: T;
  readonly outcome: AuditOutcome;
  /** One line a person can read. */
  readonly detail?: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
}

/** Collects the model calls of one use case call, for the audit entry. */
export class ModelUses {
  readonly uses: ModelUse[] = [];
  add(use: ModelUse): void {
    this.uses.push(use);
  }
}

/** Error codes that mean "gic refused" rather than "something failed". */
const REFUSALS = new Set(['refused', 'not-configured']);

export function auditedCall<T>(
  deps: CopilotDeps,
  ctx: CallContext,
  useCase: string,
  inputs: unknown,
  run: (models: ModelUses) => Promise<AuditedResult<T>>,
): Promise<T> {
  // One span per use case call: Gerrit, Kubernetes, model and store work inside it become its children.
  return withSpan(`copilot ${useCase}`, { 'gic.use_case': useCase, 'gic.action': ctx.action ?? `copilot:${useCase}`, 'enduser.id': ctx.actor }, () => recordedCall(deps, ctx, useCase, inputs, run));
}

async function recordedCall<T>(
  deps: CopilotDeps,
  ctx: CallContext,
  useCase: string,
  inputs: unknown,
  run: (models: ModelUses) => Promise<AuditedResult<T>>,
): Promise<T> {
  const started = performance.now();
  const models = new ModelUses();
  const base = { actor: ctx.actor, action: ctx.action ?? `copilot:${useCase}`, inputsHash: inputsHash(inputs) };
  let result: AuditedResult<T>;
  try {
    result = await run(models);
  } catch (thrown) {
    // Whatever an adapter threw when the caller cancelled (an AbortError, a model or Gerrit error), the
    // caller learns one thing: the call was cancelled.
    const error = ctx.signal?.aborted === true && !(AppError.isInstance(thrown) && thrown.code === 'cancelled') ? new AppError('cancelled', 'cancelled by the caller', { cause: thrown }) : thrown;
    const refused = AppError.isInstance(error) && REFUSALS.has(error.code);
    const message = error instanceof Error ? error.message : String(error);
    try {
      await deps.store.appendAudit({
        ...base,
        outcome: refused ? 'refused' : 'failed',
        detail: message.slice(0, 500),
        ...(models.uses.length > 0 ? { models: models.uses } : {}),
        evidence: { error: AppError.isInstance(error) ? error.code : 'internal' },
        durationMs: Math.round(performance.now() - started),
      });
    } catch (auditError) {
      deps.logger.error('could not record a failed call in the audit log', { action: base.action, error: auditError });
    }
    throw error;
  }
  await deps.store.appendAudit({
    ...base,
    outcome: result.outcome,
    ...(result.detail !== undefined ? { detail: result.detail.slice(0, 500) } : {}),
    ...(models.uses.length > 0 ? { models: models.uses } : {}),
    ...(result.evidence !== undefined ? { evidence: result.evidence } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  return result.value;
}
