// Time-bound grants in policy files (pure): the AuthorizationPolicies of a file that carry
// `policy.gic/expires`, and the file's text with one policy's document removed (the other documents,
// their comments and order kept; empty text when nothing is left, i.e. the file is deleted).
import { parseAllDocuments } from 'yaml';

import { EXPIRES_ANNOTATION, parseExpires } from '../policy/resources/expires-annotation.js';

export interface GrantInFile {
  /** `AuthorizationPolicy/<namespace>/<name>`. */
  readonly policy: string;
  /** ISO 8601 UTC. */
  readonly expires: string;
}

interface Identity {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly expires?: string;
}

function identity(value: unknown): Identity | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> } };
  if (typeof v.kind !== 'string' || typeof v.metadata?.name !== 'string') return undefined;
  const raw = v.metadata.annotations?.[EXPIRES_ANNOTATION];
  const ms = typeof raw === 'string' ? parseExpires(raw) : undefined;
  return { kind: v.kind, namespace: typeof v.metadata.namespace === 'string' ? v.metadata.namespace : 'default', name: v.metadata.name, ...(ms !== undefined ? { expires: new Date(ms).toISOString() } : {}) };
}

function keyOf(id: Identity): string {
  return `${id.kind}/${id.namespace}/${id.name}`;
}

/** The time-bound AuthorizationPolicies of a YAML file (documents that do not parse are skipped). */
export function grantsInFile(text: string): GrantInFile[] {
  const out: GrantInFile[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) continue;
    const id = identity(doc.toJS());
    if (id?.kind === 'AuthorizationPolicy' && id.expires !== undefined) out.push({ policy: keyOf(id), expires: id.expires });
  }
  return out;
}

/**
 * The file without the document of `policy` carrying `expires`: undefined when the file has no such
 * document (the grant was already removed or changed), '' when it was the only one.
 */
export function withoutGrant(text: string, grant: GrantInFile): string | undefined {
  const docs = parseAllDocuments(text);
  const keep = docs.filter((doc) => {
    const id = doc.errors.length === 0 ? identity(doc.toJS()) : undefined;
    return !(id !== undefined && keyOf(id) === grant.policy && id.expires === grant.expires);
  });
  if (keep.length === docs.length) return undefined;
  const kept = keep.filter((d) => d.contents !== null);
  if (kept.length === 0) return '';
  return kept.map((d, i) => (i === 0 ? d.toString() : `---\n${d.toString()}`)).join('');
}
