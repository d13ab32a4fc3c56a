// The shape an audit entry must have before a store chains it (store.ts AuditEntryInput). Every store
// checks appends against it, so a malformed entry (an empty actor, an inputs hash that is not SHA-256
// hex, an unknown outcome, evidence that is not plain JSON) is refused with the field named instead of
// being sealed into the chain. The verifier applies the same rules to stored rows.
import { z } from 'zod';

import { AppError } from '../errors.js';
import { canonicalJson, CanonicalJsonError } from './canonical-json.js';
import type { AuditEntryInput } from './store.js';

export const AUDIT_OUTCOMES = ['ok', 'refused', 'failed', 'rejected'] as const;

/** SHA-256 in lowercase hex (inputs hashes and chain hashes). */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const ModelUseSchema = z.strictObject({
  model: z.string().min(1),
  endpoint: z.string(),
  promptId: z.string().min(1),
  promptVersion: z.number().int().min(0),
  promptTokens: z.number().int().min(0).optional(),
  completionTokens: z.number().int().min(0).optional(),
});

export const AuditEntryInputSchema = z.strictObject({
  actor: z.string().min(1),
  action: z.string().min(1),
  inputsHash: z.string().regex(SHA256_HEX, 'must be SHA-256 in lowercase hex (64 characters)'),
  outcome: z.enum(AUDIT_OUTCOMES),
  detail: z.string().optional(),
  models: z.array(ModelUseSchema).optional(),
  evidence: z.record(z.string(), z.unknown()).optional(),
  durationMs: z.number().min(0).optional(),
});

/**
 * The entry as the chain stores it: validated, with absent optional fields left out (not `undefined`).
 * Throws AppError `internal`: the entry comes from gic's own use cases, so a bad one is a bug.
 */
export function checkAuditEntryInput(input: AuditEntryInput): AuditEntryInput {
  const result = AuditEntryInputSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
    throw new AppError('internal', `audit entry refused: ${problems}`);
  }
  const e = result.data;
  // The evidence as it will read back: a copy through its canonical JSON (-0 is 0, undefined keys gone).
  let evidence: Record<string, unknown> | undefined;
  if (e.evidence !== undefined) {
    try {
      evidence = JSON.parse(canonicalJson(e.evidence)) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof CanonicalJsonError)) throw error;
      throw new AppError('internal', `audit entry refused: evidence${error.path.slice(1)}: ${error.problem}`, { cause: error });
    }
  }
  return {
    actor: e.actor,
    action: e.action,
    inputsHash: e.inputsHash,
    outcome: e.outcome,
    ...(e.detail === undefined ? {} : { detail: e.detail }),
    ...(e.models === undefined ? {} : { models: e.models.map(stripUndefined) }),
    ...(evidence === undefined ? {} : { evidence }),
    ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs + 0 }),
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
