// The part of Gerrit's ServerInfo (`GET /config/server/info`) gic reads: whether the server takes robot
// comments (`change.enable_robot_comments`: on up to 3.11, off by default in 3.12, gone in 3.13), which
// decides how the review bot posts fix suggestions. Loose: every other field is left as it comes.
import { z } from 'zod';

export const ServerInfoSchema = z.looseObject({
  change: z.looseObject({ enable_robot_comments: z.boolean().nullish() }).nullish(),
});
export type ServerInfo = z.infer<typeof ServerInfoSchema>;
