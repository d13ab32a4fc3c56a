// How a failed tool call reads, in one table (the MCP counterpart of src/cli/exit-codes.ts): an
// AppError's message is meant for people and is shown as it is, with a hint for what to do next by code;
// anything else is a bug and says so without leaking internals. The audit outcome follows the code.
import { AppError } from '../errors.js';
import type { AuditOutcome } from '../store/store.js';

const HINTS: Readonly<Record<string, string>> = {
  'bad-request': 'Fix the arguments named above and call again.',
  'not-found': 'Check the name (mesh_summary lists namespaces and workloads, gerrit_list_groups the groups).',
  'not-configured': 'This needs a setting the server was started without; ask whoever runs gic.',
  'model-not-configured': 'No model is configured on this server: write the intent yourself and call policy_propose.',
  forbidden: 'Your Gerrit groups do not allow this tool; ask an owner of the group configured for it.',
  refused: '',
  cancelled: '',
  'input-errors': '',
};

const REFUSED = new Set(['forbidden', 'refused', 'not-configured', 'model-not-configured', 'input-errors', 'declined']);
const REJECTED = new Set(['bad-request', 'not-found', 'usage']);

export function outcomeOfError(error: unknown): AuditOutcome {
  if (AppError.isInstance(error) && REFUSED.has(error.code)) return 'refused';
  if (AppError.isInstance(error) && REJECTED.has(error.code)) return 'rejected';
  return 'failed';
}

export function describeToolError(error: unknown): string {
  if (!AppError.isInstance(error)) return 'internal error in gic (it is logged on the server); the call had no effect';
  const hint = HINTS[error.code] ?? (/^(gerrit|kube|cluster|model|store)-/.test(error.code) ? 'A system gic depends on failed; try again later.' : '');
  return `${error.message}${hint === '' ? '' : `\n${hint}`}`;
}
