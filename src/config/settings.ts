// The settings that flags and environment can set (docs/cli.md "Commands that talk to live systems"),
// as data: a module without zod or I/O, so a command can list its flags without loading the config
// machinery (load-config.ts reads them with the flag parser's conversions).

export type SettingKind = 'string' | 'int' | 'list';

/** One setting that flags and environment can set. */
export interface SettingSpec {
  /** Dotted path in the config, e.g. `gerrit.url`. */
  readonly path: string;
  /** Flag name without dashes. */
  readonly flag: string;
  readonly env: string;
  readonly kind: SettingKind;
  readonly description: string;
  readonly valueName: string;
}

/** The settings flags and environment can set (docs/cli.md "Commands that talk to live systems"). */
export const SETTINGS: readonly SettingSpec[] = [
  { path: 'gerrit.url', flag: 'gerrit-url', env: 'GIC_GERRIT_URL', kind: 'string', description: 'Gerrit base URL', valueName: 'URL' },
  { path: 'gerrit.user', flag: 'gerrit-user', env: 'GIC_GERRIT_USER', kind: 'string', description: 'Gerrit user for basic auth', valueName: 'USER' },
  { path: 'gerrit.password', flag: '', env: 'GIC_GERRIT_PASSWORD', kind: 'string', description: 'Gerrit HTTP password or auth token', valueName: 'SECRET' },
  { path: 'gerrit.passwordFile', flag: 'gerrit-password-file', env: 'GIC_GERRIT_PASSWORD_FILE', kind: 'string', description: 'file holding the Gerrit HTTP password or auth token', valueName: 'FILE' },
  { path: 'gerrit.snapshot', flag: 'gerrit-snapshot', env: 'GIC_GERRIT_SNAPSHOT', kind: 'string', description: 'Gerrit snapshot file or directory used when no Gerrit URL is set', valueName: 'PATH' },
  { path: 'gerrit.timeoutMs', flag: 'gerrit-timeout-ms', env: 'GIC_GERRIT_TIMEOUT_MS', kind: 'int', description: 'per-request Gerrit timeout in milliseconds', valueName: 'MS' },
  { path: 'gerrit.concurrency', flag: 'gerrit-concurrency', env: 'GIC_GERRIT_CONCURRENCY', kind: 'int', description: 'Gerrit requests in flight at most', valueName: 'N' },
  { path: 'cluster.kubeconfig', flag: 'kubeconfig', env: 'KUBECONFIG', kind: 'string', description: 'kubeconfig file(s) of the cluster (in a pod: the in-cluster config)', valueName: 'FILE' },
  { path: 'cluster.context', flag: 'context', env: '', kind: 'string', description: 'kubeconfig context to use', valueName: 'NAME' },
  { path: 'policyRepo.project', flag: 'policy-project', env: 'GIC_POLICY_PROJECT', kind: 'string', description: 'Gerrit project of the policy repository (gic submit, the review bot)', valueName: 'PROJECT' },
  { path: 'policyRepo.branch', flag: 'policy-branch', env: 'GIC_POLICY_BRANCH', kind: 'string', description: 'branch of the policy repository (default master)', valueName: 'BRANCH' },
  { path: 'policyRepo.path', flag: 'policy-path', env: 'GIC_POLICY_PATH', kind: 'string', description: 'directory of the policy files in the repository (default policies)', valueName: 'DIR' },
  { path: 'review.label', flag: 'review-label', env: 'GIC_REVIEW_LABEL', kind: 'string', description: 'label the review bot votes on (default Policy-Check)', valueName: 'LABEL' },
  { path: 'review.maxComments', flag: 'review-max-comments', env: 'GIC_REVIEW_MAX_COMMENTS', kind: 'int', description: 'inline comments per review at most (default 50)', valueName: 'N' },
  { path: 'review.base', flag: 'review-base', env: 'GIC_REVIEW_BASE', kind: 'string', description: "what the review bot diffs a patch set against: mesh (the configured mesh, default) or repository (the target branch's policy files read through Gerrit, plus the configured mesh's workloads)", valueName: 'mesh|repository' },
  { path: 'review.fixSuggestions', flag: 'review-fix-suggestions', env: 'GIC_REVIEW_FIX_SUGGESTIONS', kind: 'string', description: 'how the review bot posts mechanical fixes as Gerrit fix suggestions: auto (default), robot-comments, comments or text', valueName: 'auto|robot-comments|comments|text' },
  { path: 'review.failOn', flag: 'review-fail-on', env: 'GIC_REVIEW_FAIL_ON', kind: 'string', description: 'lowest level of a finding a patch set introduces that makes the review vote -1: error (default), warning or info', valueName: 'error|warning|info' },
  { path: 'review.pollIntervalMs', flag: 'review-poll-interval-ms', env: 'GIC_REVIEW_POLL_INTERVAL_MS', kind: 'int', description: 'how often gic serve polls Gerrit for missed patch sets (ms, default 60000)', valueName: 'MS' },
  { path: 'review.leaseNamespace', flag: '', env: 'GIC_REVIEW_LEASE_NAMESPACE', kind: 'string', description: 'namespace of the Lease gic-review-bot electing the replica that runs the review bot (with a cluster)', valueName: 'NAMESPACE' },
  { path: 'review.webhookSecret', flag: '', env: 'GIC_REVIEW_WEBHOOK_SECRET', kind: 'string', description: 'shared secret of POST /webhooks/gerrit (at least 16 characters)', valueName: 'SECRET' },
  { path: 'model.url', flag: 'model-url', env: 'GIC_MODEL_URL', kind: 'string', description: 'OpenAI-compatible model endpoint (the /v1 base URL)', valueName: 'URL' },
  { path: 'model.model', flag: 'model', env: 'GIC_MODEL', kind: 'string', description: 'model id as the endpoint serves it', valueName: 'NAME' },
  { path: 'model.apiKey', flag: '', env: 'GIC_MODEL_API_KEY', kind: 'string', description: 'API key for the model endpoint', valueName: 'SECRET' },
  { path: 'model.allowHosts', flag: 'model-allow-host', env: 'GIC_MODEL_ALLOW_HOSTS', kind: 'list', description: 'host (name, *.domain, address or CIDR) the model egress guard may reach beyond in-cluster and private addresses (repeatable; env comma-separated)', valueName: 'HOST' },
  { path: 'model.clusterDomain', flag: 'cluster-domain', env: 'GIC_CLUSTER_DOMAIN', kind: 'string', description: 'cluster DNS domain for *.svc.<domain> model hosts (default cluster.local)', valueName: 'DOMAIN' },
  { path: 'model.timeoutMs', flag: 'model-timeout-ms', env: 'GIC_MODEL_TIMEOUT_MS', kind: 'int', description: 'per-attempt model timeout in milliseconds', valueName: 'MS' },
  { path: 'model.maxRetries', flag: 'model-max-retries', env: 'GIC_MODEL_MAX_RETRIES', kind: 'int', description: 'model retries on 429, 5xx and dropped connections', valueName: 'N' },
  { path: 'model.concurrency', flag: 'model-concurrency', env: 'GIC_MODEL_CONCURRENCY', kind: 'int', description: 'model calls in flight at most', valueName: 'N' },
  { path: 'model.structuredOutput', flag: 'model-structured-output', env: 'GIC_MODEL_STRUCTURED_OUTPUT', kind: 'string', description: 'how to ask the model for JSON: json_schema, json_object_schema, ollama_format or prompt', valueName: 'DIALECT' },
  { path: 'chat.mode', flag: 'chat-mode', env: 'GIC_CHAT_MODE', kind: 'string', description: 'how chat uses the model: auto (tool calling, falling back to intent extraction), tools, or draft (intent extraction only)', valueName: 'MODE' },
  { path: 'chat.maxSteps', flag: 'chat-max-steps', env: 'GIC_CHAT_MAX_STEPS', kind: 'int', description: 'model calls per chat message at most (default 6)', valueName: 'N' },
  { path: 'chat.maxTokens', flag: 'chat-max-tokens', env: 'GIC_CHAT_MAX_TOKENS', kind: 'int', description: 'model tokens per chat message at most (default 24000)', valueName: 'N' },
  { path: 'access.claim.claim', flag: 'groups-claim', env: 'GIC_GROUPS_CLAIM', kind: 'string', description: 'JWT claim holding Gerrit groups (default groups)', valueName: 'NAME' },
  { path: 'access.claim.valueKind', flag: 'groups-claim-values', env: 'GIC_GROUPS_CLAIM_VALUES', kind: 'string', description: 'what the groups claim holds: name or uuid', valueName: 'name|uuid' },
  { path: 'server.auth', flag: 'auth', env: 'GIC_AUTH', kind: 'string', description: 'how gic serve authenticates callers: none (loopback only), oauth or trusted-header', valueName: 'MODE' },
  { path: 'server.publicUrl', flag: 'public-url', env: 'GIC_PUBLIC_URL', kind: 'string', description: 'URL clients reach gic serve by; the OAuth resource is <URL>/mcp', valueName: 'URL' },
  { path: 'server.oauth.issuer', flag: 'oauth-issuer', env: 'GIC_OAUTH_ISSUER', kind: 'string', description: 'OIDC issuer whose tokens gic serve accepts', valueName: 'URL' },
  { path: 'server.oauth.jwksUrl', flag: 'oauth-jwks-url', env: 'GIC_OAUTH_JWKS_URL', kind: 'string', description: "the issuer's JWKS URL (default: from its discovery document)", valueName: 'URL' },
  { path: 'server.oauth.audience', flag: 'oauth-audience', env: 'GIC_OAUTH_AUDIENCE', kind: 'string', description: 'expected token audience (default: <public URL>/mcp)', valueName: 'AUD' },
  { path: 'server.readGroups', flag: 'read-groups', env: 'GIC_READ_GROUPS', kind: 'list', description: 'Gerrit groups that may call read tools (default: any authenticated caller)', valueName: 'GROUP' },
  { path: 'server.proposeGroups', flag: 'propose-groups', env: 'GIC_PROPOSE_GROUPS', kind: 'list', description: 'Gerrit groups that may call policy_propose and policy_draft', valueName: 'GROUP' },
  { path: 'server.submitGroups', flag: 'submit-groups', env: 'GIC_SUBMIT_GROUPS', kind: 'list', description: 'Gerrit groups that may call policy_submit_for_review', valueName: 'GROUP' },
  { path: 'server.rateLimitPerMinute', flag: 'rate-limit', env: 'GIC_RATE_LIMIT', kind: 'int', description: 'tool calls per minute per identity (0: unlimited)', valueName: 'N' },
  { path: 'server.allowedHosts', flag: 'allowed-host', env: 'GIC_ALLOWED_HOSTS', kind: 'list', description: 'host names clients address gic serve by (DNS-rebinding protection)', valueName: 'NAME' },
  { path: 'data.dir', flag: 'data-dir', env: 'GIC_DATA_DIR', kind: 'string', description: "gic's data directory (the store: proposals, conversations, audit log); default $XDG_STATE_HOME/gic or ~/.local/state/gic", valueName: 'DIR' },
  { path: 'data.postgresUrl', flag: '', env: 'GIC_DATABASE_URL', kind: 'string', description: 'PostgreSQL URL of the shared store (postgres://user:password@host:5432/db); when set it replaces the SQLite store in the data directory', valueName: 'URL' },
  { path: 'data.postgresPoolSize', flag: '', env: 'GIC_DATABASE_POOL_SIZE', kind: 'int', description: 'PostgreSQL connections per gic process (default 10)', valueName: 'N' },
  { path: 'tracing.otlpEndpoint', flag: 'otlp-endpoint', env: 'OTEL_EXPORTER_OTLP_ENDPOINT', kind: 'string', description: 'OTLP/HTTP collector base URL for traces (/v1/traces is added); tracing is off unless set', valueName: 'URL' },
  { path: 'tracing.serviceName', flag: '', env: 'OTEL_SERVICE_NAME', kind: 'string', description: 'service.name of the traces (default gic)', valueName: 'NAME' },
  { path: 'prometheus.url', flag: 'prometheus-url', env: 'GIC_PROMETHEUS_URL', kind: 'string', description: "Prometheus base URL for the mesh's request rates (gic forecast)", valueName: 'URL' },
];
