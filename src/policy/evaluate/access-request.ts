// The request that `gic check` evaluates (docs/cli.md "gic check"): the destination workload and port,
// the caller (a workload, an mTLS principal or a plaintext client), HTTP attributes and an optional JWT.
import { z } from 'zod';

export const PROTOCOLS = ['http', 'grpc', 'tcp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const port = z.number().int().min(0).max(65535);

/** The destination: a workload of the snapshot, or an ad-hoc one described by its labels. */
export const RequestTargetSchema = z
  .strictObject({
    namespace: z.string().min(1),
    workload: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    serviceAccount: z.string().min(1).optional(),
    port: port.optional(),
    protocol: z.enum(PROTOCOLS).optional(),
  })
  .refine((t) => t.workload === undefined || t.labels === undefined, {
    message: 'give either to.workload or to.labels, not both',
  });
export type RequestTarget = z.infer<typeof RequestTargetSchema>;

/** The caller. */
export const RequestSourceSchema = z.union([
  z.strictObject({ namespace: z.string().min(1), workload: z.string().min(1), ip: z.string().optional() }),
  z.strictObject({ principal: z.string().min(1), ip: z.string().optional() }),
  z.strictObject({ plaintext: z.literal(true), namespace: z.string().optional(), ip: z.string().optional() }),
]);
export type RequestSource = z.infer<typeof RequestSourceSchema>;

/** A token that passed signature verification, with its claims. */
export const JwtClaimsSchema = z.looseObject({
  iss: z.string().optional(),
  sub: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
  azp: z.string().optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  /** Header the token was sent in; default `Authorization` with prefix `Bearer `. */
  header: z.string().optional(),
  /** Query parameter the token was sent in, instead of a header. */
  param: z.string().optional(),
});
export type JwtClaims = z.infer<typeof JwtClaimsSchema>;

export const AccessRequestSchema = z.strictObject({
  to: RequestTargetSchema,
  from: RequestSourceSchema.optional(),
  method: z.string().optional(),
  path: z.string().optional(),
  host: z.string().optional(),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  /** An object: a valid token with those claims; "invalid": a token that fails verification. */
  jwt: z.union([JwtClaimsSchema, z.literal('invalid')]).optional(),
  sourceIp: z.string().optional(),
  remoteIp: z.string().optional(),
  destinationIp: z.string().optional(),
  sni: z.string().optional(),
});
export type AccessRequest = z.infer<typeof AccessRequestSchema>;
