// Intent text (an intent file, an MCP tool argument) -> Intent, or why it is not one. Bounded on
// hostile text: a size cap and a nesting cap checked before JSON.parse builds anything, then the
// schema (IntentSchema), whose problems name the field. Pure.
import { jsonDepthExceeds } from '../request/read-request-text.js';
import { type Intent, IntentSchema } from './intent.js';

/** An intent is a few hundred bytes; these bound what is read. */
export const INTENT_LIMITS = { maxBytes: 1024 * 1024, maxDepth: 32 } as const;

export type IntentReading = { readonly ok: true; readonly intent: Intent } | { readonly ok: false; readonly kind: 'not-json' | 'not-intent'; readonly message: string };

export function readIntentText(text: string): IntentReading {
  if (text.length > INTENT_LIMITS.maxBytes) return { ok: false, kind: 'not-json', message: `${text.length} characters, over the limit of ${INTENT_LIMITS.maxBytes}` };
  if (jsonDepthExceeds(text, INTENT_LIMITS.maxDepth)) return { ok: false, kind: 'not-json', message: `nested deeper than ${INTENT_LIMITS.maxDepth} levels` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, kind: 'not-json', message: error instanceof Error ? error.message : String(error) };
  }
  const parsed = IntentSchema.safeParse(value);
  if (!parsed.success) return { ok: false, kind: 'not-intent', message: parsed.error.issues.map((i) => `${i.path.join('.') || '(intent)'}: ${i.message}`).join('; ') };
  return { ok: true, intent: parsed.data };
}
