// Zod schemas of Gerrit's group JSON (GroupInfo, GroupAuditEventInfo; rest-api-groups.txt): minimal,
// tolerant of unknown fields and null/absent values. No requests here.
import { z } from 'zod';

import { AccountInfoSchema } from './account-info.js';

export const GroupOptionsSchema = z.looseObject({ visible_to_all: z.boolean().nullish() });

const GroupBaseSchema = z.looseObject({
  /** The group UUID, URL-encoded as Gerrit sends it (decode before use). */
  id: z.string(),
  name: z.string().nullish(),
  url: z.string().nullish(),
  options: GroupOptionsSchema.nullish(),
  description: z.string().nullish(),
  group_id: z.number().nullish(),
  owner: z.string().nullish(),
  owner_id: z.string().nullish(),
  created_on: z.string().nullish(),
  _more_groups: z.boolean().nullish(),
  members: z.array(AccountInfoSchema).nullish(),
});

export const GroupInfoSchema = GroupBaseSchema.extend({
  includes: z.array(GroupBaseSchema).nullish(),
});
export type GroupInfo = z.infer<typeof GroupInfoSchema>;

/** `GET /groups/` answers a map name -> GroupInfo (name omitted in the values). */
export const GroupMapSchema = z.record(z.string(), GroupInfoSchema);

export const GroupAuditEventInfoSchema = z.looseObject({
  type: z.string(),
  /** AccountInfo for ADD_USER/REMOVE_USER, GroupInfo for ADD_GROUP/REMOVE_GROUP. */
  member: z.looseObject({}).nullish(),
  user: AccountInfoSchema.nullish(),
  date: z.string().nullish(),
});
export type GroupAuditEventInfo = z.infer<typeof GroupAuditEventInfoSchema>;

/** Input of `PUT /groups/{name}`. */
export interface GroupInput {
  readonly description?: string;
  readonly visible_to_all?: boolean;
  readonly owner_id?: string;
  readonly members?: readonly string[];
}

/** The UUID inside a GroupInfo `id` (Gerrit URL-encodes it there). */
export function groupUuid(info: { readonly id: string }): string {
  try {
    return decodeURIComponent(info.id);
  } catch {
    return info.id;
  }
}
