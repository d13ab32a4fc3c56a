// Loads gic's settings: defaults <- config file (`--config` or GIC_CONFIG, YAML or JSON) <- environment
// (GIC_*) <- flags, then validates the result with the one schema (config-schema.ts). The environment is
// parsed through the same setting table as the flags. This is the only module that reads process.env;
// it never logs secret values.
import { readFile as fsReadFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

import { parse as parseYaml } from 'yaml';

import { AppError } from '../errors.js';
import { GicConfigSchema, type GicConfig } from './config-schema.js';

type Kind = 'string' | 'int' | 'list';

/** One setting that flags and environment can set. */
export interface SettingSpec {
  /** Dotted path in the config, e.g. `gerrit.url`. */
  readonly path: string;
  /** Flag name without dashes. */
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
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
  { path: 'model.url', flag: 'model-url', env: 'GIC_MODEL_URL', kind: 'string', description: 'OpenAI-compatible model endpoint (the /v1 base URL)', valueName: 'URL' },
  { path: 'model.model', flag: 'model', env: 'GIC_MODEL', kind: 'string', description: 'model id as the endpoint serves it', valueName: 'NAME' },
  { path: 'model.apiKey', flag: '', env: 'GIC_MODEL_API_KEY', kind: 'string', description: 'API key for the model endpoint', valueName: 'SECRET' },
  { path: 'model.allowHosts', flag: 'model-allow-host', env: 'GIC_MODEL_ALLOW_HOSTS', kind: 'list', description: 'host (name, *.domain, address or CIDR) the model egress guard may reach beyond in-cluster and private addresses (repeatable; env comma-separated)', valueName: 'HOST' },
  { path: 'model.clusterDomain', flag: 'cluster-domain', env: 'GIC_CLUSTER_DOMAIN', kind: 'string', description: 'cluster DNS domain for *.svc.<domain> model hosts (default cluster.local)', valueName: 'DOMAIN' },
  { path: 'model.timeoutMs', flag: 'model-timeout-ms', env: 'GIC_MODEL_TIMEOUT_MS', kind: 'int', description: 'per-attempt model timeout in milliseconds', valueName: 'MS' },
  { path: 'model.maxRetries', flag: 'model-max-retries', env: 'GIC_MODEL_MAX_RETRIES', kind: 'int', description: 'model retries on 429, 5xx and dropped connections', valueName: 'N' },
  { path: 'model.concurrency', flag: 'model-concurrency', env: 'GIC_MODEL_CONCURRENCY', kind: 'int', description: 'model calls in flight at most', valueName: 'N' },
  { path: 'model.structuredOutput', flag: 'model-structured-output', env: 'GIC_MODEL_STRUCTURED_OUTPUT', kind: 'string', description: 'how to ask the model for JSON: json_schema, json_object_schema, ollama_format or prompt', valueName: 'DIALECT' },
  { path: 'access.claim.claim', flag: 'groups-claim', env: 'GIC_GROUPS_CLAIM', kind: 'string', description: 'JWT claim holding Gerrit groups (default groups)', valueName: 'NAME' },
  { path: 'access.claim.valueKind', flag: 'groups-claim-values', env: 'GIC_GROUPS_CLAIM_VALUES', kind: 'string', description: 'what the groups claim holds: name or uuid', valueName: 'name|uuid' },
  { path: 'data.dir', flag: 'data-dir', env: 'GIC_DATA_DIR', kind: 'string', description: "gic's data directory (the store: proposals, conversations, audit log); default $XDG_STATE_HOME/gic or ~/.local/state/gic", valueName: 'DIR' },
];

export type FlagValues = Readonly<Record<string, string | boolean | readonly (string | boolean)[] | undefined>>;

export interface LoadConfigInput {
  /** Parsed CLI flags by flag name (e.g. `gerrit-url`, `config`). */
  readonly flags?: FlagValues;
  /** Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Injected for tests. */
  readonly readFile?: (path: string) => Promise<string>;
}

export interface LoadedConfig {
  /** The settings, with the data directory always resolved to an absolute path. */
  readonly config: GicConfig & { readonly data: GicConfig['data'] & { readonly dir: string } };
  /** The config file that was read, if any. */
  readonly file?: string;
}

type Tree = Record<string, unknown>;

export async function loadConfig(input: LoadConfigInput = {}): Promise<LoadedConfig> {
  const env = input.env ?? process.env;
  const flags = input.flags ?? {};
  const read = input.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));

  const configFlag = flags['config'];
  const file = typeof configFlag === 'string' ? configFlag : nonEmpty(env['GIC_CONFIG']);
  let merged: Tree = {};
  if (file !== undefined) merged = applyLayer(merged, await readConfigFile(file, read));
  merged = applyLayer(merged, layerFrom((spec) => (spec.env === '' ? undefined : nonEmpty(env[spec.env])), 'environment'));
  merged = applyLayer(
    merged,
    layerFrom((spec) => {
      if (spec.flag === '') return undefined;
      const value = flags[spec.flag];
      // A repeatable flag (kind list) arrives as an array: its values join like the environment's commas.
      if (spec.kind === 'list' && Array.isArray(value)) return value.length === 0 ? undefined : value.filter((v) => typeof v === 'string').join(',');
      return typeof value === 'string' ? value : undefined;
    }, 'flag'),
  );

  const gerrit = (merged['gerrit'] ?? {}) as Tree;
  if (typeof gerrit['passwordFile'] === 'string') {
    const path = gerrit['passwordFile'];
    let secret: string;
    try {
      secret = (await read(path)).split(/\r?\n/)[0]?.trim() ?? '';
    } catch (error) {
      throw new AppError('input-unreadable', `cannot read the Gerrit password file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (secret === '') throw new AppError('bad-request', `the Gerrit password file ${path} is empty`);
    merged = { ...merged, gerrit: { ...gerrit, password: secret } };
  }

  const result = GicConfigSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('usage', `invalid configuration${file === undefined ? '' : ` (${file} and overrides)`}: ${problems}`);
  }
  const data = { ...result.data.data, dir: resolve(result.data.data.dir ?? defaultDataDir(env)) };
  return { config: { ...result.data, data }, ...(file === undefined ? {} : { file }) };
}

async function readConfigFile(file: string, read: (path: string) => Promise<string>): Promise<Tree> {
  let text: string;
  try {
    text = await read(file);
  } catch (error) {
    throw new AppError('input-unreadable', `cannot read config file ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new AppError('usage', `config file ${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new AppError('usage', `config file ${file} must hold a mapping`);
  return value as Tree;
}

/** A config tree from the setting table, each value converted by its kind. */
function layerFrom(valueOf: (spec: SettingSpec) => string | undefined, origin: string): Tree {
  const tree: Tree = {};
  for (const spec of SETTINGS) {
    const raw = valueOf(spec);
    if (raw === undefined) continue;
    setPath(tree, spec.path, convert(spec, raw, origin));
  }
  return tree;
}

function convert(spec: SettingSpec, raw: string, origin: string): unknown {
  switch (spec.kind) {
    case 'int': {
      if (!/^\d+$/.test(raw.trim())) {
        throw new AppError('usage', `${origin} ${origin === 'flag' ? `--${spec.flag}` : spec.env} must be a whole number, got "${raw}"`);
      }
      return Number(raw.trim());
    }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'string':
      return raw;
  }
}

/** Deep-merges `layer` over `base`; a layer setting the password drops a lower password file and vice versa. */
function applyLayer(base: Tree, layer: Tree): Tree {
  const merged = deepMerge(base, layer);
  const layerGerrit = layer['gerrit'] as Tree | undefined;
  const gerrit = merged['gerrit'] as Tree | undefined;
  if (layerGerrit !== undefined && gerrit !== undefined) {
    if ('password' in layerGerrit && !('passwordFile' in layerGerrit)) delete gerrit['passwordFile'];
    if ('passwordFile' in layerGerrit && !('password' in layerGerrit)) delete gerrit['password'];
  }
  return merged;
}

function deepMerge(base: Tree, layer: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    const current = out[key];
    out[key] = isTree(current) && isTree(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = isTree(next) ? next : (node[key] = {});
  }
  node[keys[keys.length - 1] as string] = value;
}

/** `$XDG_STATE_HOME/gic` (an absolute XDG_STATE_HOME only, as the XDG spec says), else `~/.local/state/gic`. */
function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  const state = nonEmpty(env['XDG_STATE_HOME']);
  if (state !== undefined && isAbsolute(state)) return join(state, 'gic');
  return join(nonEmpty(env['HOME']) ?? homedir(), '.local', 'state', 'gic');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
