// The JSON the model fills when drafting (structured output, generateObject): flat and small, so a
// 1.5B model can follow it; the engine's Intent is built from it by draft-resolve.ts, which checks
// every name against the mesh and Gerrit. Nothing here is trusted.
import { z } from 'zod';

export const DraftCallerSchema = z.object({
  kind: z.enum(['group', 'serviceAccount', 'namespace', 'anyAuthenticatedUser', 'anyone']).describe('group: a Gerrit group; serviceAccount: namespace/name; namespace: every workload of a namespace; anyAuthenticatedUser: anyone with a valid login token; anyone: no restriction'),
  name: z.string().optional().describe('the group name, namespace/serviceaccount, or namespace; absent for anyAuthenticatedUser and anyone'),
});
export type DraftCaller = z.infer<typeof DraftCallerSchema>;

export const DraftExtractionSchema = z.object({
  action: z.enum(['allow', 'deny']),
  who: z.array(DraftCallerSchema).describe('the callers the person named'),
  exceptWho: z.array(DraftCallerSchema).optional().describe('callers the person explicitly excluded'),
  namespace: z.string().optional().describe('namespace of the workload that receives the requests'),
  workload: z.string().optional().describe('the workload that receives the requests'),
  methods: z.array(z.string()).optional().describe('HTTP methods, e.g. GET, POST'),
  paths: z.array(z.string()).optional().describe('URL paths, e.g. /api/builds, /api/builds/*'),
  ports: z.array(z.number().int().min(1).max(65535)).optional().describe('workload ports'),
  duration: z.string().optional().describe('the time limit exactly as the person said it, e.g. "until Friday", "for 2 hours"'),
  questions: z.array(z.string()).optional().describe('what is unclear and must be asked'),
});
export type DraftExtraction = z.infer<typeof DraftExtractionSchema>;
