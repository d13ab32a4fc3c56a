// One tool call, the same over stdio and HTTP: authorize the caller for the tool (a refusal is a clear
// `isError` result), validate the arguments with the tool's zod input schema (errors name the fields
// and are `isError` results, as the 2025-11-25 spec asks), run the handler with a ToolContext (signal,
// progress, confirmation), check the value against the output schema, and record the call in the audit
// log (identity, tool, argument hash, outcome, duration) and in the metrics, allowed or refused.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import type { ToolCaller, ToolContext, ToolDefinition, ToolProgress } from '../../tools/define-tool.js';
import type { Copilot } from '../copilot/copilot.js';
import { inputsHash } from '../copilot/inputs-hash.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AuditOutcome } from '../store/store.js';
import { describeToolError, outcomeOfError } from './tool-errors.js';

/** Why a caller may not call a tool (src/mcp/tool-authorization.ts), or undefined when allowed. */
export type AuthorizeTool = (caller: ToolCaller, tool: ToolDefinition) => Promise<string | undefined> | string | undefined;

/** What the metrics see of one call (src/http/service-metrics.ts). */
export interface ToolCallObservation {
  readonly tool: string;
  readonly outcome: AuditOutcome;
  readonly seconds: number;
  /** For policy_check_access: the decision. */
  readonly decision?: string;
  /** The AppError code of a failed call (`gerrit-unavailable`, `model-timeout`, ...). */
  readonly errorCode?: string;
}

export interface ToolCallDeps {
  readonly copilot: Copilot;
  readonly logger: Logger;
  readonly authorize?: AuthorizeTool;
  readonly observe?: (observation: ToolCallObservation) => void;
  /** Record every call in the audit log (default true). */
  readonly audit?: boolean;
}

export interface ToolCallRuntime {
  readonly signal: AbortSignal;
  progress(event: ToolProgress): void;
  readonly confirm?: ToolContext['confirm'];
}

function isTimeout(signal: AbortSignal): boolean {
  return signal.reason instanceof Error && signal.reason.name === 'TimeoutError';
}

/** Why a call stopped: its deadline passed, or the client cancelled it. */
function stopped(signal: AbortSignal): AppError {
  return isTimeout(signal) ? new AppError('timeout', 'the call took longer than the server allows (server.callTimeoutMs) and was stopped') : new AppError('cancelled', 'cancelled by the caller');
}

function textResult(text: string, isError: boolean): CallToolResult {
  return { content: [{ type: 'text', text }], ...(isError ? { isError: true } : {}) };
}

export async function callTool(deps: ToolCallDeps, tool: ToolDefinition, args: unknown, caller: ToolCaller, runtime: ToolCallRuntime): Promise<CallToolResult> {
  const started = performance.now();
  const action = `mcp:${tool.name}`;
  let outcome: AuditOutcome = 'ok';
  let detail: string | undefined;
  let decision: string | undefined;
  let errorCode: string | undefined;
  let result: CallToolResult;
  try {
    const refusal = await deps.authorize?.(caller, tool);
    if (refusal !== undefined) throw new AppError('forbidden', refusal);
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.length === 0 ? '(arguments)' : i.path.join('.')}: ${i.message}`);
      throw new AppError('bad-request', `invalid arguments for ${tool.name}: ${problems.join('; ')}`, { details: { fields: parsed.error.issues.map((i) => i.path.join('.')) } });
    }
    const ctx: ToolContext = {
      copilot: deps.copilot,
      caller,
      logger: deps.logger.child({ tool: tool.name }),
      signal: runtime.signal,
      // The use case records its own audit entry (`copilot:<use case>`) beside this call's `mcp:<tool>`.
      call: {
        actor: caller.actor,
        signal: runtime.signal,
        onProgress: (e) => runtime.progress({ progress: e.step, total: e.steps, message: e.message }),
      },
      progress: (e) => runtime.progress(e),
      ...(runtime.confirm !== undefined ? { confirm: runtime.confirm } : {}),
    };
    const answer = await tool.handler(parsed.data, ctx);
    if (runtime.signal.aborted) throw stopped(runtime.signal);
    const checked = tool.output.safeParse(answer.value);
    if (!checked.success) {
      deps.logger.error('a tool returned a value that does not match its output schema', { tool: tool.name, issues: checked.error.issues.slice(0, 5) });
      throw new AppError('internal', `${tool.name} produced an answer that does not match its output schema; this is a bug in gic`);
    }
    const value = checked.data as Record<string, unknown>;
    if (typeof value['decision'] === 'string') decision = value['decision'];
    result = { content: [{ type: 'text', text: answer.text }], structuredContent: value };
    detail = answer.text.split('\n', 1)[0];
  } catch (thrown) {
    // Whatever a use case threw after the deadline passed, the caller learns that the deadline passed.
    const error = runtime.signal.aborted && isTimeout(runtime.signal) ? stopped(runtime.signal) : thrown;
    outcome = outcomeOfError(error);
    errorCode = AppError.isInstance(error) ? error.code : 'internal';
    detail = error instanceof Error ? error.message : String(error);
    if (!AppError.isInstance(error)) deps.logger.error('tool call failed', { tool: tool.name, error });
    result = textResult(describeToolError(error), true);
  }
  const seconds = (performance.now() - started) / 1000;
  deps.observe?.({ tool: tool.name, outcome, seconds, ...(decision !== undefined ? { decision } : {}), ...(errorCode !== undefined ? { errorCode } : {}) });
  if (deps.audit !== false) {
    try {
      await deps.copilot.deps.store.appendAudit({
        actor: caller.actor,
        action,
        inputsHash: inputsHash(args ?? {}),
        outcome,
        ...(detail !== undefined ? { detail: detail.slice(0, 500) } : {}),
        ...(decision !== undefined ? { evidence: { decision } } : {}),
        durationMs: Math.round(seconds * 1000),
      });
    } catch (auditError) {
      // A call that cannot be recorded is not answered as if it had been: fail closed.
      deps.logger.error('could not record a tool call in the audit log', { tool: tool.name, error: auditError });
      return textResult(`${tool.name}: the call could not be recorded in the audit log, so its answer is withheld (${auditError instanceof Error ? auditError.message : String(auditError)})`, true);
    }
  }
  return result;
}
