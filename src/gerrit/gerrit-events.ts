// Gerrit events as gic receives them: lines of `ssh gerrit stream-events` and webhooks-plugin POST
// bodies, parsed with zod into one normalised shape for patchset-created, comment-added, change-restored,
// change-merged and ref-updated. Defensive by design (payloads are unsigned and any field may be missing): unknown
// fields are kept out, other event types come back as `unsupported`, malformed input as `invalid`.
// The two serialisations differ: stream-events sends `project` as a string and `changeKey` as
// `{"id"}`; the webhooks plugin sends `project` as `{"name"}` and `changeKey` as `{"key"}`.
import { z } from 'zod';

export const EventAccountSchema = z.looseObject({
  name: z.string().nullish(),
  email: z.string().nullish(),
  username: z.string().nullish(),
});

const ProjectFieldSchema = z.union([z.string(), z.looseObject({ name: z.string() })]).transform((p) => (typeof p === 'string' ? p : p.name));
const ChangeKeySchema = z
  .union([z.looseObject({ id: z.string() }), z.looseObject({ key: z.string() }), z.string()])
  .transform((k) => (typeof k === 'string' ? k : 'id' in k ? k.id : k.key));

export const ChangeAttributeSchema = z.looseObject({
  project: ProjectFieldSchema,
  branch: z.string(),
  id: z.string().nullish(),
  number: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  subject: z.string().nullish(),
  owner: EventAccountSchema.nullish(),
  url: z.string().nullish(),
  status: z.string().nullish(),
  wip: z.boolean().nullish(),
  private: z.boolean().nullish(),
});

export const PatchSetAttributeSchema = z.looseObject({
  number: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  revision: z.string(),
  ref: z.string().nullish(),
  uploader: EventAccountSchema.nullish(),
  author: EventAccountSchema.nullish(),
  kind: z.string().nullish(),
  createdOn: z.number().nullish(),
});

export const ApprovalAttributeSchema = z.looseObject({
  type: z.string(),
  description: z.string().nullish(),
  value: z.string(),
  oldValue: z.string().nullish(),
  by: EventAccountSchema.nullish(),
});

const common = {
  eventCreatedOn: z.number().nullish(),
  project: ProjectFieldSchema.nullish(),
  refName: z.string().nullish(),
  changeKey: ChangeKeySchema.nullish(),
};

export const PatchsetCreatedEventSchema = z.looseObject({
  type: z.literal('patchset-created'),
  ...common,
  change: ChangeAttributeSchema,
  patchSet: PatchSetAttributeSchema,
  uploader: EventAccountSchema.nullish(),
});

export const CommentAddedEventSchema = z.looseObject({
  type: z.literal('comment-added'),
  ...common,
  change: ChangeAttributeSchema,
  patchSet: PatchSetAttributeSchema,
  author: EventAccountSchema.nullish(),
  approvals: z.array(ApprovalAttributeSchema).nullish(),
  comment: z.string().nullish(),
});

export const ChangeRestoredEventSchema = z.looseObject({
  type: z.literal('change-restored'),
  ...common,
  change: ChangeAttributeSchema,
  patchSet: PatchSetAttributeSchema,
  restorer: EventAccountSchema.nullish(),
  reason: z.string().nullish(),
});

export const ChangeMergedEventSchema = z.looseObject({
  type: z.literal('change-merged'),
  ...common,
  change: ChangeAttributeSchema,
  patchSet: PatchSetAttributeSchema,
  submitter: EventAccountSchema.nullish(),
  newRev: z.string().nullish(),
});

export const RefUpdatedEventSchema = z.looseObject({
  type: z.literal('ref-updated'),
  ...common,
  submitter: EventAccountSchema.nullish(),
  refUpdate: z.looseObject({
    oldRev: z.string(),
    newRev: z.string(),
    refName: z.string(),
    project: ProjectFieldSchema,
  }),
});

export const GerritEventSchema = z.discriminatedUnion('type', [
  PatchsetCreatedEventSchema,
  CommentAddedEventSchema,
  ChangeRestoredEventSchema,
  ChangeMergedEventSchema,
  RefUpdatedEventSchema,
]);
export type GerritEvent = z.infer<typeof GerritEventSchema>;
export type GerritEventType = GerritEvent['type'];
export const SUPPORTED_EVENT_TYPES: readonly GerritEventType[] = ['patchset-created', 'comment-added', 'change-restored', 'change-merged', 'ref-updated'];

export type ParsedEvent =
  | { readonly kind: 'event'; readonly event: GerritEvent }
  | { readonly kind: 'unsupported'; readonly type: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Parses one event object (already JSON-decoded), from stream-events or a webhook body. */
export function parseGerritEvent(value: unknown): ParsedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid', reason: 'an event is a JSON object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { kind: 'invalid', reason: 'the event has no string "type"' };
  if (!(SUPPORTED_EVENT_TYPES as readonly string[]).includes(type)) return { kind: 'unsupported', type };
  const parsed = GerritEventSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'invalid', reason: `${type}: ${issue === undefined ? 'malformed' : `${issue.path.join('.')}: ${issue.message}`}` };
  }
  return { kind: 'event', event: parsed.data };
}

/** Parses a webhook POST body (JSON text). */
export function parseWebhookBody(text: string): ParsedEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return parseGerritEvent(value);
}

/** Parses `stream-events` output: one JSON object per line; blank lines are skipped. */
export function parseStreamEvents(text: string): ParsedEvent[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => parseWebhookBody(line));
}

/** The project an event belongs to, whichever serialisation it came in. */
export function eventProject(event: GerritEvent): string | undefined {
  if (event.type === 'ref-updated') return event.refUpdate.project;
  return event.change.project ?? event.project ?? undefined;
}
