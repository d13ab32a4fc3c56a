// Zod schemas of Gerrit's change JSON (ChangeInfo, RevisionInfo, FileInfo, DiffInfo, CommentInfo,
// ReviewResult; rest-api-changes.txt) and the typed inputs for creating changes and posting reviews.
// Minimal and tolerant of unknown fields and null/absent values. No requests here.
import { z } from 'zod';

import { AccountInfoSchema } from './account-info.js';

export const RevisionInfoSchema = z.looseObject({
  kind: z.string().nullish(),
  _number: z.number().nullish(),
  created: z.string().nullish(),
  uploader: AccountInfoSchema.nullish(),
  ref: z.string().nullish(),
  commit: z.looseObject({ subject: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

export const ChangeInfoSchema = z.looseObject({
  id: z.string(),
  project: z.string(),
  branch: z.string(),
  change_id: z.string(),
  subject: z.string(),
  status: z.string(),
  created: z.string().nullish(),
  updated: z.string().nullish(),
  _number: z.number(),
  owner: AccountInfoSchema.nullish(),
  current_revision: z.string().nullish(),
  current_revision_number: z.number().nullish(),
  revisions: z.record(z.string(), RevisionInfoSchema).nullish(),
  labels: z.record(z.string(), z.looseObject({})).nullish(),
  messages: z
    .array(z.looseObject({ message: z.string().nullish(), tag: z.string().nullish(), author: AccountInfoSchema.nullish(), _revision_number: z.number().nullish(), date: z.string().nullish() }))
    .nullish(),
  /** With `o=DETAILED_LABELS`: label -> values the caller may vote (`["-1", " 0", "+1"]`). */
  permitted_labels: z.record(z.string(), z.array(z.string())).nullish(),
  work_in_progress: z.boolean().nullish(),
  _more_changes: z.boolean().nullish(),
});
export type ChangeInfo = z.infer<typeof ChangeInfoSchema>;

export const FileInfoSchema = z.looseObject({
  status: z.string().nullish(),
  binary: z.boolean().nullish(),
  old_path: z.string().nullish(),
  lines_inserted: z.number().nullish(),
  lines_deleted: z.number().nullish(),
  size_delta: z.number().nullish(),
  size: z.number().nullish(),
});
export type FileInfo = z.infer<typeof FileInfoSchema>;
export const FileInfoMapSchema = z.record(z.string(), FileInfoSchema);

export const DiffContentSchema = z.looseObject({
  a: z.array(z.string()).nullish(),
  b: z.array(z.string()).nullish(),
  ab: z.array(z.string()).nullish(),
  skip: z.number().nullish(),
});
export const DiffInfoSchema = z.looseObject({
  meta_a: z.looseObject({ name: z.string(), content_type: z.string().nullish(), lines: z.number().nullish() }).nullish(),
  meta_b: z.looseObject({ name: z.string(), content_type: z.string().nullish(), lines: z.number().nullish() }).nullish(),
  change_type: z.string(),
  content: z.array(DiffContentSchema),
  diff_header: z.array(z.string()).nullish(),
  binary: z.boolean().nullish(),
});
export type DiffInfo = z.infer<typeof DiffInfoSchema>;

export const CommentRangeSchema = z.object({
  start_line: z.number(),
  start_character: z.number(),
  end_line: z.number(),
  end_character: z.number(),
});
export type CommentRange = z.infer<typeof CommentRangeSchema>;

export const FixReplacementSchema = z.looseObject({ path: z.string(), range: CommentRangeSchema, replacement: z.string() });
export const FixSuggestionInfoSchema = z.looseObject({
  fix_id: z.string().nullish(),
  description: z.string(),
  replacements: z.array(FixReplacementSchema),
});

export const CommentInfoSchema = z.looseObject({
  id: z.string(),
  path: z.string().nullish(),
  side: z.string().nullish(),
  patch_set: z.number().nullish(),
  line: z.number().nullish(),
  range: CommentRangeSchema.nullish(),
  in_reply_to: z.string().nullish(),
  message: z.string().nullish(),
  updated: z.string().nullish(),
  author: AccountInfoSchema.nullish(),
  tag: z.string().nullish(),
  unresolved: z.boolean().nullish(),
  robot_id: z.string().nullish(),
  fix_suggestions: z.array(FixSuggestionInfoSchema).nullish(),
});
export type CommentInfo = z.infer<typeof CommentInfoSchema>;
/** path -> comments */
export const CommentMapSchema = z.record(z.string(), z.array(CommentInfoSchema));

export const ReviewResultSchema = z.looseObject({
  labels: z.record(z.string(), z.number()).nullish(),
  ready: z.boolean().nullish(),
  error: z.string().nullish(),
});
export type ReviewResult = z.infer<typeof ReviewResultSchema>;

export const EditInfoSchema = z.looseObject({
  commit: z.looseObject({ commit: z.string().nullish(), subject: z.string().nullish() }).nullish(),
  base_patch_set_number: z.number().nullish(),
  base_revision: z.string().nullish(),
  ref: z.string().nullish(),
});

/** Input of `POST /changes/`. */
export interface ChangeInput {
  readonly project: string;
  readonly branch: string;
  readonly subject: string;
  readonly topic?: string;
  readonly status?: 'NEW';
  readonly is_private?: boolean;
  readonly work_in_progress?: boolean;
  readonly base_change?: string;
  readonly base_commit?: string;
  readonly new_branch?: boolean;
  readonly notify?: NotifyHandling;
}

export type NotifyHandling = 'NONE' | 'OWNER' | 'OWNER_REVIEWERS' | 'ALL';

export interface FixSuggestionInput {
  readonly description: string;
  readonly replacements: readonly { readonly path: string; readonly range: CommentRange; readonly replacement: string }[];
}

/** One inline comment: on a line, a range, or the whole file (neither). */
export interface CommentInput {
  readonly path?: string;
  readonly side?: 'REVISION' | 'PARENT';
  readonly line?: number;
  readonly range?: CommentRange;
  readonly in_reply_to?: string;
  readonly message: string;
  readonly unresolved?: boolean;
  /** Needs server support (3.10 experiment flag on human comments; see the notes in README). */
  readonly fix_suggestions?: readonly FixSuggestionInput[];
}

/** Only on Gerrit ≤3.12 (removed in 3.13); kept for servers that still accept them. */
export interface RobotCommentInput extends CommentInput {
  readonly robot_id: string;
  readonly robot_run_id: string;
  readonly url?: string;
  readonly properties?: Readonly<Record<string, string>>;
}

/** Input of `POST /changes/{id}/revisions/{rev}/review`. */
export interface ReviewInput {
  readonly message?: string;
  /** Bot output should start with `autogenerated:` so the UI can filter it. */
  readonly tag?: string;
  readonly labels?: Readonly<Record<string, number>>;
  /** path -> comments; `/PATCHSET_LEVEL` for patchset-level ones. */
  readonly comments?: Readonly<Record<string, readonly CommentInput[]>>;
  readonly robot_comments?: Readonly<Record<string, readonly RobotCommentInput[]>>;
  readonly drafts?: 'KEEP' | 'PUBLISH' | 'PUBLISH_ALL_REVISIONS';
  readonly notify?: NotifyHandling;
  readonly omit_duplicate_comments?: boolean;
  readonly ready?: boolean;
  readonly work_in_progress?: boolean;
}
