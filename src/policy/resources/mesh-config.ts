// The parts of Istio's MeshConfig (ConfigMap `istio`, key `mesh`, in the root namespace) that security
// policy evaluation depends on, with Istio's defaults. Other MeshConfig fields are accepted and ignored.
import { z } from 'zod';

export const PATH_NORMALIZATIONS = ['NONE', 'BASE', 'MERGE_SLASHES', 'DECODE_AND_MERGE_SLASHES', 'DEFAULT'] as const;
export type PathNormalization = (typeof PATH_NORMALIZATIONS)[number];

const ExtAuthzSchema = z.looseObject({
  service: z.string().optional(),
  port: z.union([z.number(), z.string()]).optional(),
  failOpen: z.boolean().optional(),
  statusOnError: z.string().optional(),
});

/** One `extensionProviders[]` entry; only the ext-authz kinds matter for CUSTOM policies. */
export const ExtensionProviderSchema = z.looseObject({
  name: z.string(),
  envoyExtAuthzHttp: ExtAuthzSchema.optional(),
  envoyExtAuthzGrpc: ExtAuthzSchema.optional(),
});
export type ExtensionProvider = z.infer<typeof ExtensionProviderSchema>;

/** MeshConfig as read from YAML: everything optional, unknown fields kept. */
export const MeshConfigInputSchema = z.looseObject({
  rootNamespace: z.string().optional(),
  trustDomain: z.string().optional(),
  trustDomainAliases: z.array(z.string()).optional(),
  extensionProviders: z.array(ExtensionProviderSchema).optional(),
  pathNormalization: z.looseObject({ normalization: z.enum(PATH_NORMALIZATIONS).optional() }).optional(),
  defaultConfig: z
    .looseObject({
      gatewayTopology: z.looseObject({ numTrustedProxies: z.number().optional() }).optional(),
    })
    .optional(),
});
export type MeshConfigInput = z.infer<typeof MeshConfigInputSchema>;

/** MeshConfig with Istio's defaults applied: what the engine reads. */
export interface MeshConfig {
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly trustDomainAliases: readonly string[];
  readonly extensionProviders: readonly ExtensionProvider[];
  /** DEFAULT is resolved to BASE. */
  readonly pathNormalization: Exclude<PathNormalization, 'DEFAULT'>;
  readonly numTrustedProxies: number;
}

export const DEFAULT_MESH_CONFIG: MeshConfig = {
  rootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
  trustDomainAliases: [],
  extensionProviders: [],
  pathNormalization: 'BASE',
  numTrustedProxies: 0,
};

/** Applies Istio's defaults to a MeshConfig read from the `istio` ConfigMap. */
export function resolveMeshConfig(input: MeshConfigInput | undefined): MeshConfig {
  if (input === undefined) return DEFAULT_MESH_CONFIG;
  const normalization = input.pathNormalization?.normalization ?? 'DEFAULT';
  return {
    rootNamespace: input.rootNamespace || DEFAULT_MESH_CONFIG.rootNamespace,
    trustDomain: input.trustDomain || DEFAULT_MESH_CONFIG.trustDomain,
    trustDomainAliases: input.trustDomainAliases ?? [],
    extensionProviders: input.extensionProviders ?? [],
    pathNormalization: normalization === 'DEFAULT' ? 'BASE' : normalization,
    numTrustedProxies: input.defaultConfig?.gatewayTopology?.numTrustedProxies ?? 0,
  };
}
