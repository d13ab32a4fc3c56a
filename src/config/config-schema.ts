// The one schema of gic's settings (docs/style.md §6 "Config"): what the file, the environment and the
// flags may set, with defaults. Starts with Gerrit and the groups-claim mapping; each new area adds one
// strict section. Secrets (the Gerrit password or token) are marked so loggers can redact them.
import { z } from 'zod';

import { AccessMappingSchema } from '../policy/resources/access-mapping.js';

export const GerritRetrySettingsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(100).default(4),
  baseDelayMs: z.number().int().min(0).default(250),
  maxDelayMs: z.number().int().min(0).default(10_000),
});

export const GerritSettingsSchema = z.strictObject({
  /** Base URL of the Gerrit REST API; absent: no live Gerrit (the snapshot, if any, is used). */
  url: z.url({ protocol: /^https?$/ }).optional(),
  user: z.string().min(1).optional(),
  /** HTTP password (≤3.12) or auth token (3.13+). Secret. */
  password: z.string().min(1).optional(),
  /** File holding the password or token (first line); read by load-config. */
  passwordFile: z.string().min(1).optional(),
  /** A Gerrit snapshot (file or directory) used when no URL is configured. */
  snapshot: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(1).default(30_000),
  /** Keep-alive connections in the pool. */
  connections: z.number().int().min(1).max(64).default(8),
  /** Requests in flight at most when resolving many groups. */
  concurrency: z.number().int().min(1).max(64).default(8),
  retry: GerritRetrySettingsSchema.prefault({}),
});
export type GerritSettings = z.infer<typeof GerritSettingsSchema>;

/** The cluster (src/kube): kubeconfig and context, else the in-cluster config; absent both: no cluster. */
export const ClusterSettingsSchema = z.strictObject({
  /** Kubeconfig file(s), `:`-separated like KUBECONFIG. */
  kubeconfig: z.string().min(1).optional(),
  /** Context of the kubeconfig to use (default: its current-context). */
  context: z.string().min(1).optional(),
  /** Namespace holding the `istio` ConfigMap (Istio's root namespace). */
  istioNamespace: z.string().min(1).default('istio-system'),
  /** Per-request timeout for API calls other than watches. */
  timeoutMs: z.number().int().min(1).default(10_000),
});
export type ClusterSettings = z.infer<typeof ClusterSettingsSchema>;

/** gic's own state (src/store): the data directory holding the embedded SQLite store. */
export const DataSettingsSchema = z.strictObject({
  /**
   * The data directory; the store is `<dir>/gic.db`. loadConfig always sets it: default
   * `$XDG_STATE_HOME/gic`, else `~/.local/state/gic`; relative paths are resolved from the working directory.
   */
  dir: z.string().min(1).optional(),
  /** How long a write waits for another process's lock on the store before retrying (ms). */
  busyTimeoutMs: z.number().int().min(0).default(5_000),
});
export type DataSettings = z.infer<typeof DataSettingsSchema>;

export const GicConfigSchema = z.strictObject({
  gerrit: GerritSettingsSchema.prefault({}),
  cluster: ClusterSettingsSchema.prefault({}),
  data: DataSettingsSchema.prefault({}),
  /** Groups claim, caller and role mapping (GIC500-GIC502, `gic groups show`). */
  access: AccessMappingSchema.prefault({}),
});
export type GicConfig = z.infer<typeof GicConfigSchema>;

/** Dotted paths of settings that hold secrets (redact them in logs and output). */
export const SECRET_SETTINGS: readonly string[] = ['gerrit.password'];
