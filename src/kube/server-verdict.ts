// Reads the API server's answer to a dry-run apply as a verdict: 2xx accepted (with its Warning
// headers); 422 Invalid with one error per `details.causes[]` (schema and CEL rules, with the field);
// 400 strict decoding errors with one error per unknown or duplicate field; admission webhook and
// ValidatingAdmissionPolicy denials, 403 RBAC, 404 (CRD or namespace missing) and 5xx with the Status
// message. Pure: no requests here.
import type { DryRunIssue } from './dry-run-result.js';
import type { KubeResponse } from './kube-gateway.js';

export interface ServerVerdict {
  readonly accepted: boolean;
  readonly errors: readonly DryRunIssue[];
  readonly warnings: readonly DryRunIssue[];
}

interface Status {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes?: readonly { readonly field?: string; readonly message?: string; readonly reason?: string }[] };
}

function asStatus(body: unknown): Status {
  if (typeof body === 'object' && body !== null) return body as Status;
  return typeof body === 'string' && body !== '' ? { message: body } : {};
}

/** API field paths come as `spec.x`, `.spec.x` or `<nil>`: keep the dotted form of cli.md. */
export function normalizeField(field: string | undefined): string {
  if (field === undefined || field === '<nil>') return '';
  return field.replace(/^\./, '');
}

const HINTS: Readonly<Record<number, string>> = {
  401: 'the API server did not accept gic\'s credentials',
  403: 'forbidden',
  404: 'not found (is the CRD installed and the namespace present?)',
  429: 'the API server is throttling requests',
};

export function verdictFromResponse(response: KubeResponse): ServerVerdict {
  const warnings = response.warnings.map((message) => ({ field: '', message }));
  if (response.status >= 200 && response.status < 300) return { accepted: true, errors: [], warnings };
  const status = asStatus(response.body);
  const message = status.message ?? HINTS[response.status] ?? `HTTP ${response.status}`;
  const errors: DryRunIssue[] = [];
  const causes = status.details?.causes ?? [];
  // Server-side apply reports fields outside the schema while it builds the typed patch (any status).
  const typed = /failed to create typed patch object[^:]*\): (\.[^\s:]+): (.+)$/s.exec(message);
  const strict = [...message.matchAll(/(unknown|duplicate) field "([^"]+)"/g)];
  if (response.status === 422 && causes.length > 0) {
    for (const cause of causes) errors.push({ field: normalizeField(cause.field), message: cause.message ?? status.reason ?? 'invalid' });
  } else if (strict.length > 0) {
    for (const m of strict) errors.push({ field: normalizeField(m[2]), message: `${m[1]} field "${normalizeField(m[2])}" (rejected by fieldValidation=Strict)` });
  } else if (typed !== null) {
    errors.push({ field: normalizeField(typed[1]), message: `${typed[2]} (server-side apply: ${normalizeField(typed[1])})` });
  } else if (causes.length > 0) {
    for (const cause of causes) errors.push({ field: normalizeField(cause.field), message: cause.message ?? message });
  } else {
    errors.push({ field: '', message: response.status === 404 && status.message !== undefined ? `${message} (${HINTS[404]})` : message });
  }
  return { accepted: false, errors, warnings };
}

/** The conflicts of a 409 from a non-forced apply, as warnings naming the other field managers. */
export function conflictWarnings(response: KubeResponse): DryRunIssue[] {
  const status = asStatus(response.body);
  const causes = status.details?.causes ?? [];
  if (causes.length === 0) return [{ field: '', message: `apply conflict: ${status.message ?? 'fields owned by another manager'}; verdict computed with force` }];
  return causes.map((c) => ({ field: normalizeField(c.field), message: `${c.message ?? 'conflict'}: applying the proposal takes this field over from its current manager` }));
}
