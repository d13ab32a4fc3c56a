// A stored proposal as the chat page's proposal panel and `gic chat`'s /yaml and /diff show it: the
// YAML, whether it is verified and why not, validation and dry-run status, the access delta (who gains,
// who loses, each with its witness request), findings, expiry and the review change once submitted.
// Built from the store's ProposalRecord (its evidence is the propose result), never from model text.
import type { ProposalRecord } from '../store/store.js';

export interface ProposalChangeRow {
  readonly workload: string;
  readonly before: string;
  readonly after: string;
  /** `granted` (DENY -> ALLOW), `revoked` (ALLOW -> DENY) or `changed`. */
  readonly kind: 'granted' | 'revoked' | 'changed';
  readonly summary: string;
  /** A concrete request of the class, in the `gic check` shape. */
  readonly witness: unknown;
}

export interface ProposalView {
  readonly id: string;
  readonly createdAt: string;
  readonly policy: { readonly namespace: string; readonly name: string } | null;
  readonly yaml: string;
  readonly verified: boolean;
  readonly blockers: readonly string[];
  readonly validation: { readonly errors: number; readonly warnings: number; readonly messages: readonly string[] };
  readonly dryRun: readonly { readonly mode: string; readonly accepted: boolean; readonly message: string }[];
  readonly changes: readonly ProposalChangeRow[];
  readonly summary: { readonly granted: number; readonly revoked: number; readonly changed: number };
  readonly unintended: number;
  readonly findings: readonly { readonly code: string; readonly level: string; readonly message: string; readonly source: string }[];
  readonly expires: string | null;
  readonly change: NonNullable<ProposalRecord['change']> | null;
}

type Loose = Readonly<Record<string, unknown>>;

function record(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function kindOf(before: string, after: string): ProposalChangeRow['kind'] {
  if (after === 'ALLOW' && before !== 'ALLOW') return 'granted';
  if (before === 'ALLOW' && after !== 'ALLOW') return 'revoked';
  return 'changed';
}

export function proposalView(proposal: ProposalRecord): ProposalView {
  const e = proposal.evidence;
  const policy = record(e['policy']);
  const validation = record(e['validation']);
  const validationSummary = record(validation['summary']);
  const messages = list(validation['resources']).flatMap((r) =>
    [...list(record(r)['errors']), ...list(record(r)['warnings'])].map((i) => {
      const issue = record(i);
      return `${text(issue['field'])}: ${text(issue['message'])}`;
    }),
  );
  const diff = record(e['diff']);
  const diffSummary = record(diff['summary']);
  const changes = list(diff['changes']).map((c): ProposalChangeRow => {
    const change = record(c);
    const workload = record(change['workload']);
    const before = text(change['before']);
    const after = text(change['after']);
    return { workload: `${text(workload['namespace'])}/${text(workload['name'])}`, before, after, kind: kindOf(before, after), summary: text(change['summary']), witness: change['witness'] ?? null };
  });
  const dryRun = list(record(e['dryRun'])['results']).map((r) => {
    const result = record(r);
    const issues = [...list(result['errors']), ...list(result['warnings'])].map((i) => text(record(i)['message']));
    return { mode: text(result['mode']), accepted: result['accepted'] === true, message: issues.join('; ') };
  });
  return {
    id: proposal.id,
    createdAt: proposal.createdAt,
    policy: typeof policy['namespace'] === 'string' && typeof policy['name'] === 'string' ? { namespace: policy['namespace'], name: policy['name'] } : null,
    yaml: proposal.yaml,
    verified: proposal.verified,
    blockers: list(e['blockers']).map(text),
    validation: { errors: count(validationSummary['errors']), warnings: count(validationSummary['warnings']), messages },
    dryRun,
    changes,
    summary: { granted: count(diffSummary['granted']), revoked: count(diffSummary['revoked']), changed: count(diffSummary['changed']) },
    unintended: list(e['unintended']).length,
    findings: list(e['findings']).map((f) => {
      const finding = record(f);
      return { code: text(finding['code']), level: text(finding['level']), message: text(finding['message']), source: text(finding['source']) };
    }),
    expires: typeof e['expires'] === 'string' ? e['expires'] : null,
    change: proposal.change ?? null,
  };
}
