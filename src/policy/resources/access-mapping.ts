// How Gerrit groups reach the mesh: which JWT claim carries them and whether it holds group names or
// UUIDs, and the role mapping (groups -> roles -> allowed operations on workloads) that GIC502 compares
// with the access the mesh actually grants. Types and zod schemas only; values come from config.
import { z } from 'zod';

/** The groups claim: `request.auth.claims[<claim>]` holds group names (default) or UUIDs. */
export const GroupClaimMappingSchema = z.object({
  claim: z.string().min(1).default('groups'),
  valueKind: z.enum(['name', 'uuid']).default('name'),
});
export type GroupClaimMapping = z.infer<typeof GroupClaimMappingSchema>;

export const DEFAULT_GROUP_CLAIM_MAPPING: GroupClaimMapping = { claim: 'groups', valueKind: 'name' };

/** One operation a role may perform on one workload. */
export const RoleGrantSchema = z.object({
  namespace: z.string().min(1),
  workload: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  methods: z.array(z.string().min(1)).min(1).default(['GET']),
  paths: z.array(z.string().min(1)).min(1).default(['/']),
});
export type RoleGrant = z.infer<typeof RoleGrantSchema>;

/** The caller a grant is checked from: people come through the ingress gateway with a token. */
export const RoleCallerSchema = z.object({
  /** mTLS principal of the hop that carries the user's token (e.g. the ingress gateway). */
  principal: z.string().min(1).optional(),
  issuer: z.string().min(1).default('https://idp.example.com'),
  subject: z.string().min(1).default('gic-role-check'),
});
export type RoleCaller = z.infer<typeof RoleCallerSchema>;

export const RoleSchema = z.object({
  name: z.string().min(1),
  /** Gerrit groups bound to the role, by name or UUID. */
  groups: z.array(z.string().min(1)).default([]),
  grants: z.array(RoleGrantSchema).default([]),
});
export type Role = z.infer<typeof RoleSchema>;

export const AccessMappingSchema = z.object({
  claim: GroupClaimMappingSchema.default(DEFAULT_GROUP_CLAIM_MAPPING),
  caller: RoleCallerSchema.default({ issuer: 'https://idp.example.com', subject: 'gic-role-check' }),
  roles: z.array(RoleSchema).default([]),
});
export type AccessMapping = z.infer<typeof AccessMappingSchema>;
