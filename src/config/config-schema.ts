// The one schema of gic's settings (docs/style.md §6 "Config"): what the file, the environment and the
// flags may set, with defaults. Gerrit, the cluster, the model and the groups-claim mapping; each new area
// adds one strict section. Secrets (the Gerrit password or token, the model API key) are listed in
// secret-settings.ts, whose paths the logger redacts.
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

/**
 * The policy repository (docs/cli.md "The copilot commands"): where `gic submit` opens changes and what
 * the review bot watches. A proposal's YAML goes to `<path>/<namespace>/<name>.yaml` on `branch`.
 */
export const PolicyRepoSettingsSchema = z.strictObject({
  /** Gerrit project holding the mesh's policy files; absent: `gic submit` is not configured. */
  project: z.string().min(1).optional(),
  branch: z.string().min(1).default('master'),
  /** Directory of the policy files inside the repository (no leading or trailing slash). */
  path: z
    .string()
    .min(1)
    .default('policies')
    .refine((p) => !p.startsWith('/') && !p.endsWith('/') && !p.split('/').some((s) => s === '' || s === '.' || s === '..'), 'a relative directory such as deploy/istio (no leading or trailing slash, no . or ..)'),
});
export type PolicyRepoSettings = z.infer<typeof PolicyRepoSettingsSchema>;

/** The review bot (docs/cli.md "The review bot"): the label it votes on, its limits and its webhook secret. */
export const ReviewSettingsSchema = z.strictObject({
  /** The label the bot votes on; a project without it gets the review without a vote. */
  label: z.string().min(1).default('Policy-Check'),
  /** Inline comments per review at most (the message says how many were left out). */
  maxComments: z.number().int().min(1).max(500).default(50),
  /**
   * What the access diff of a review is computed against: `mesh` (the configured mesh, with the changed
   * files' parent versions) or `repository` (every policy file of the target branch read through
   * Gerrit, plus the workloads and services of the configured mesh when there is one).
   */
  base: z.enum(['mesh', 'repository']).default('mesh'),
  /**
   * How mechanical fixes are posted as Gerrit fix suggestions: `auto` (robot comments where the server
   * takes them, else `fix_suggestions` on the comments), `robot-comments`, `comments` (needs 3.10+ with
   * the experiment GerritBackendFeature__allow_fix_suggestions_in_comments), or `text` (only written in
   * the comment). A server that refuses them gets the review with the fix in the text.
   */
  fixSuggestions: z.enum(['auto', 'robot-comments', 'comments', 'text']).default('auto'),
  /**
   * The lowest level of a finding a patch set introduces that makes the review vote -1: `error` (the
   * default: warnings such as an over-broad grant, GIC119, are reported but do not block), `warning` or
   * `info`.
   */
  failOn: z.enum(['error', 'warning', 'info']).default('error'),
  /** How often `gic serve` polls Gerrit for patch sets it missed (ms). */
  pollIntervalMs: z.number().int().min(1_000).default(60_000),
  /** Shared secret of `POST /webhooks/gerrit` (header X-Gic-Webhook-Secret or ?secret=). Secret. */
  webhookSecret: z.string().min(16).optional(),
  /** Add the in-cluster model's note (marked, grounded as `explain` is) to each review when a model is configured. */
  useModel: z.boolean().default(false),
  /** With a cluster: the namespace of the Lease `gic-review-bot` that elects the one replica running the poller and worker. */
  leaseNamespace: z.string().min(1).optional(),
});
export type ReviewSettings = z.infer<typeof ReviewSettingsSchema>;

/** How the model client asks for schema-constrained JSON (src/model/structured-output-dialect.ts). */
export const MODEL_STRUCTURED_OUTPUT_DIALECTS = ['json_schema', 'json_object_schema', 'ollama_format', 'prompt'] as const;

/** The in-cluster model (src/model): an OpenAI-compatible endpoint behind the egress guard; absent url: no model. */
export const ModelSettingsSchema = z.strictObject({
  /** The OpenAI-compatible `/v1` base URL, e.g. http://vllm.models.svc:8000/v1. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** The model id as the server serves it (`/v1/models`). */
  model: z.string().min(1).optional(),
  /** Bearer API key, when the server checks one. Secret. */
  apiKey: z.string().min(1).optional(),
  /** Hosts the egress guard may reach beyond cluster-internal names and private addresses: names, `*.domain`, addresses, CIDRs. */
  allowHosts: z.array(z.string().min(1)).default([]),
  /** The cluster's DNS domain, for `*.svc.<domain>` names. */
  clusterDomain: z.string().min(1).default('cluster.local'),
  /** Per attempt, from sending to the end of the answer (local models are slow: 2 minutes). */
  timeoutMs: z.number().int().min(1).default(120_000),
  connectTimeoutMs: z.number().int().min(1).default(10_000),
  /** Retries on 429, 5xx and dropped connections. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /** Model calls in flight at most (a local server runs one or two sequences at a time). */
  concurrency: z.number().int().min(1).max(64).default(2),
  structuredOutput: z.enum(MODEL_STRUCTURED_OUTPUT_DIALECTS).default('json_schema'),
});
export type ModelSettings = z.infer<typeof ModelSettingsSchema>;

/** The chat page and `gic chat` (src/chat): how the model is used and the bounds of one turn. */
export const ChatSettingsSchema = z.strictObject({
  /** `auto`: the tool catalog, falling back to intent extraction; `tools`: never fall back; `draft`: intent extraction only. */
  mode: z.enum(['auto', 'tools', 'draft']).default('auto'),
  /** Model calls per turn at most. */
  maxSteps: z.number().int().min(1).max(20).default(6),
  /** Prompt plus completion tokens per turn at most. */
  maxTokens: z.number().int().min(256).max(1_000_000).default(24_000),
});
export type ChatSettingsConfig = z.infer<typeof ChatSettingsSchema>;

/** gic's own state (src/store): the data directory holding the embedded SQLite store. */
export const DataSettingsSchema = z.strictObject({
  /**
   * The data directory; the store is `<dir>/gic.db`. loadConfig always sets it: default
   * `$XDG_STATE_HOME/gic`, else `~/.local/state/gic`; relative paths are resolved from the working directory.
   */
  dir: z.string().min(1).optional(),
  /** How long a write waits for another process's lock on the store before retrying (ms). */
  busyTimeoutMs: z.number().int().min(0).default(5_000),
  /**
   * PostgreSQL URL of the store shared by several replicas (src/store/postgres-store.ts); when set it
   * replaces the SQLite store in `dir`. Secret (it usually carries the password).
   */
  postgresUrl: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** PostgreSQL connections per gic process (default 10). */
  postgresPoolSize: z.number().int().min(1).max(200).optional(),
});
export type DataSettings = z.infer<typeof DataSettingsSchema>;

/** OpenTelemetry tracing (src/telemetry): off unless an OTLP endpoint is set. */
export const TracingSettingsSchema = z.strictObject({
  /** OTLP/HTTP base URL of a collector (`/v1/traces` is added), e.g. http://otel-collector.observability:4318. */
  otlpEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  serviceName: z.string().min(1).default('gic'),
  /** Fraction of new traces sampled (a parent's decision is always followed). */
  sampleRatio: z.number().min(0).max(1).default(1),
});
export type TracingSettings = z.infer<typeof TracingSettingsSchema>;

/** Prometheus, read by `gic forecast` for the mesh's request rates (istio_requests_total). */
export const PrometheusSettingsSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).optional(),
  timeoutMs: z.number().int().min(1).default(15_000),
});

/** How `gic serve` establishes who is calling (docs/mcp.md "Auth"). */
export const SERVER_AUTH_MODES = ['none', 'oauth', 'trusted-header'] as const;

/** `gic serve` (docs/mcp.md): auth, per-tool authorization by Gerrit group, limits, DNS-rebinding allow-lists. */
export const ServerSettingsSchema = z.strictObject({
  /** `none` only on loopback; `oauth`: bearer JWTs checked against the issuer's JWKS; `trusted-header`: claims forwarded by the local Istio sidecar. */
  auth: z.enum(SERVER_AUTH_MODES).default('none'),
  /** The URL clients reach the service by (no trailing slash); the OAuth resource is `<publicUrl>/mcp`. Default: http://<host>:<port>. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  oauth: z
    .strictObject({
      /** The OIDC issuer (`iss`); its JWKS comes from `jwksUrl` or its discovery document. */
      issuer: z.url({ protocol: /^https?$/ }).optional(),
      jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
      /** Expected `aud`; default: the resource `<publicUrl>/mcp`. */
      audience: z.string().min(1).optional(),
      clockSkewSeconds: z.number().int().min(0).max(600).default(60),
      /** Scopes a token must carry (space-separated `scope` claim); none by default. */
      requiredScopes: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  /** trusted-header: the header Istio's RequestAuthentication `outputPayloadToHeader` writes (base64url JSON of the verified token). */
  trustedHeader: z.string().min(1).default('x-gic-jwt-payload'),
  /** Groups (names or UUIDs) that may call read tools; empty: any authenticated caller. */
  readGroups: z.array(z.string().min(1)).default([]),
  /** Groups that may call policy_propose and policy_draft. */
  proposeGroups: z.array(z.string().min(1)).default([]),
  /** Groups that may call policy_submit_for_review. */
  submitGroups: z.array(z.string().min(1)).default([]),
  /** Tool calls per minute per identity (0: unlimited; loopback without auth is never limited). */
  rateLimitPerMinute: z.number().int().min(0).default(600),
  /** Largest request body (bytes). */
  maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** A tool call's deadline (ms); drafting with a local model is slow. */
  callTimeoutMs: z.number().int().min(1).default(180_000),
  /** Host names clients address the service by (DNS-rebinding protection), e.g. the Service's DNS names. */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /** Browser origins allowed to call (absent: the allowed hosts). */
  allowedOrigins: z.array(z.string().min(1)).optional(),
  /** How long the Gerrit groups of an account are cached when the token carries no groups claim (ms). */
  groupCacheMs: z.number().int().min(0).default(300_000),
});
export type ServerSettings = z.infer<typeof ServerSettingsSchema>;

export const GicConfigSchema = z.strictObject({
  gerrit: GerritSettingsSchema.prefault({}),
  cluster: ClusterSettingsSchema.prefault({}),
  policyRepo: PolicyRepoSettingsSchema.prefault({}),
  review: ReviewSettingsSchema.prefault({}),

  model: ModelSettingsSchema.prefault({}),
  chat: ChatSettingsSchema.prefault({}),

  data: DataSettingsSchema.prefault({}),
  /** Groups claim, caller and role mapping (GIC500-GIC502, `gic groups show`). */
  access: AccessMappingSchema.prefault({}),
  tracing: TracingSettingsSchema.prefault({}),
  prometheus: PrometheusSettingsSchema.prefault({}),

  /** `gic serve` and `gic mcp`. */
  server: ServerSettingsSchema.prefault({}),
});
export type GicConfig = z.infer<typeof GicConfigSchema>;
