// The `match` of a diff change (cli.md "gic diff"): one class of requests written with
// AuthorizationPolicy field names and read as ONE ALLOW rule (`ports`, `from` source fields, `to`
// operation fields, `when` conditions). Two extensions exist for what no policy field can say:
// `protocols` (the class is limited to some protocols) and `token` (the class is limited to some
// token states: absent, invalid, valid at a location a jwtRule reads, or valid elsewhere), and `also`
// for a rare second positive pattern on a field that has only one list. Types and schema only.
import { z } from 'zod';

import { PROTOCOLS } from '../evaluate/access-request.js';

export const MatchConditionSchema = z.strictObject({
  key: z.string(),
  values: z.array(z.string()).optional(),
  notValues: z.array(z.string()).optional(),
});
export type MatchCondition = z.infer<typeof MatchConditionSchema>;

export const DiffMatchSchema = z.strictObject({
  ports: z.array(z.string()).optional(),
  protocols: z.array(z.enum(PROTOCOLS)).optional(),
  token: z.strictObject({ in: z.array(z.string()), readBy: z.array(z.string()) }).optional(),
  from: z.record(z.string(), z.array(z.string())).optional(),
  to: z.record(z.string(), z.array(z.string())).optional(),
  when: z.array(MatchConditionSchema),
  also: z.array(z.strictObject({ field: z.string(), values: z.array(z.string()) })).optional(),
});
export type DiffMatch = z.infer<typeof DiffMatchSchema>;
