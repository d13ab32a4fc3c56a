// The structured intent of the compile stage (cli.md "An intent file"): who (subjects, `except`), on
// what (a workload, a selector, or a gateway/waypoint through targetRefs), which operations, allow or
// deny, optional extra conditions. The model drafts it; this schema is what the engine accepts.
import { z } from 'zod';

import { ConditionSchema } from '../resources/authorization-policy.js';
import { ExpiresSchema } from '../resources/expires-annotation.js';

export const SubjectSchema = z.union([
  z.strictObject({ gerritGroup: z.string().min(1) }),
  z.strictObject({ serviceAccount: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'namespace/name') }),
  z.strictObject({ namespace: z.string().min(1) }),
  z.strictObject({ authenticatedUser: z.literal(true) }),
  z.strictObject({ anyone: z.literal(true) }),
]);
export type Subject = z.infer<typeof SubjectSchema>;

export const IntentTargetSchema = z
  .strictObject({
    namespace: z.string().min(1),
    /** A workload of the mesh (its pod labels become the selector, or its Gateway the targetRef). */
    workload: z.string().min(1).optional(),
    selector: z.record(z.string(), z.string()).optional(),
    /** A Gateway-API gateway or a waypoint (attached through targetRefs). */
    gateway: z.string().min(1).optional(),
    waypoint: z.string().min(1).optional(),
    /** A Service, enforced by the waypoint that serves it (targetRefs kind Service). */
    service: z.string().min(1).optional(),
  })
  .refine((t) => [t.workload, t.selector, t.gateway, t.waypoint, t.service].filter((x) => x !== undefined).length <= 1, {
    message: 'give at most one of workload, selector, gateway, waypoint, service',
  });
export type IntentTarget = z.infer<typeof IntentTargetSchema>;

export const IntentOperationSchema = z.strictObject({
  methods: z.array(z.string().min(1)).optional(),
  paths: z.array(z.string().min(1)).optional(),
  ports: z.array(z.union([z.number().int().min(0).max(65535), z.string().regex(/^\d+$/)])).optional(),
  hosts: z.array(z.string().min(1)).optional(),
});
export type IntentOperation = z.infer<typeof IntentOperationSchema>;

export const IntentSchema = z.strictObject({
  action: z.enum(['allow', 'deny']),
  subjects: z.array(SubjectSchema).min(1),
  except: z.array(SubjectSchema).optional(),
  target: IntentTargetSchema,
  operations: z.array(IntentOperationSchema).optional(),
  conditions: z.array(ConditionSchema).optional(),
  /** Policy name; derived from the intent when absent. */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63).optional(),
  /** JWT claim that carries Gerrit groups (default `groups`). */
  groupsClaim: z.string().min(1).optional(),
  /** Gerrit group name -> UUID, when the claim holds UUIDs. */
  groupIds: z.record(z.string(), z.string()).optional(),
  /**
   * A time-bound grant (docs/cli.md): RFC 3339 instant after which the grant must go. The policy carries
   * it as the annotation `policy.gic/expires` (GIC125 flags it once passed; the review bot removes it).
   */
  expires: ExpiresSchema.optional(),
});
export type Intent = z.infer<typeof IntentSchema>;
