// Typed client of the Istio oracle peer (test/peers/istio-oracle/go): writes the input to a temporary
// file, runs the oracle binary and parses its JSON answer. Tests only; it judges nothing itself.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

/** The Istio layer an oracle error comes from (the prefix of each error string). */
export type OracleLayer = 'yaml' | 'crd' | 'schema' | 'webhook';

export const OracleResourceSchema = z.object({
  document: z.number().int(),
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  valid: z.boolean(),
  skipped: z.boolean().optional(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type OracleResource = z.infer<typeof OracleResourceSchema>;

export const OracleValidationSchema = z.object({
  valid: z.boolean(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  resources: z.array(OracleResourceSchema),
});
export type OracleValidation = z.infer<typeof OracleValidationSchema>;

export const OracleMessageSchema = z.object({
  code: z.string(),
  level: z.string(),
  origin: z.string(),
  reference: z.string().optional(),
  message: z.string(),
});
export type OracleMessage = z.infer<typeof OracleMessageSchema>;

export const OracleVersionSchema = z.object({ istio: z.string(), api: z.string() }).loose();

/** The layer of one oracle error string ("crd: ...", "webhook: ..."). */
export function errorLayer(error: string): OracleLayer {
  const layer = /^(yaml|crd|schema|webhook): /.exec(error)?.[1];
  if (layer === undefined) throw new Error(`oracle error without a layer prefix: ${error}`);
  return layer as OracleLayer;
}

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gic-oracle-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runOracle(command: readonly string[], args: readonly string[]): Promise<unknown> {
  const [file, ...pre] = command;
  if (file === undefined) throw new Error('empty oracle command');
  try {
    const { stdout } = await run(file, [...pre, ...args], { maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
    return JSON.parse(stdout) as unknown;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`istio oracle ${args[0] ?? ''} failed: ${error instanceof Error ? error.message : String(error)}\n${stderr}`, { cause: error });
  }
}

/** Istio's verdict on one (multi-document) YAML text. */
export async function oracleValidate(command: readonly string[], yamlText: string): Promise<OracleValidation> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'input.yaml');
    await writeFile(file, yamlText);
    return OracleValidationSchema.parse(await runOracle(command, ['validate', file]));
  });
}

/** Istio's verdicts on many YAML texts in one oracle run; answer i belongs to text i. */
export async function oracleValidateBatch(command: readonly string[], yamlTexts: readonly string[]): Promise<OracleValidation[]> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'batch.json');
    await writeFile(file, JSON.stringify(yamlTexts));
    const answers = z.array(OracleValidationSchema).parse(await runOracle(command, ['validate-batch', file]));
    if (answers.length !== yamlTexts.length) throw new Error(`oracle answered ${answers.length} of ${yamlTexts.length} texts`);
    return answers;
  });
}

export interface OracleAnalyzeOptions {
  /**
   * Exactly `istioctl analyze --use-kube=false`: ignore the files' Pods, Namespaces, Services, Nodes and
   * Secrets, which skips every analyzer needing them (IST0101/IST0127 among them). By default they are
   * read, as when analyzing a cluster that holds the files.
   */
  readonly filesOnly?: boolean;
  /** Only messages of this namespace (default: all namespaces, like `istioctl analyze -A`). */
  readonly namespace?: string;
}

/** Istio's analyzers (`istioctl analyze -A`) over the manifests of DIR, as JSON messages. */
export async function oracleAnalyze(command: readonly string[], dir: string, options: OracleAnalyzeOptions = {}): Promise<OracleMessage[]> {
  const args = ['analyze', dir];
  if (options.filesOnly === true) args.push('--files-only');
  if (options.namespace !== undefined) args.push('--namespace', options.namespace);
  return z.array(OracleMessageSchema).parse(await runOracle(command, args));
}

/** The pinned versions the oracle was built with. */
export async function oracleVersion(command: readonly string[]): Promise<z.infer<typeof OracleVersionSchema>> {
  return OracleVersionSchema.parse(await runOracle(command, ['version']));
}

/** The proxy a request reaches, as `oracle evaluate` reads it (test/peers/istio-oracle/go/evaluate.go). */
export interface OracleProxy {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly kind: 'sidecar' | 'gateway' | 'waypoint';
  /** Waypoints: the Service the request addresses. */
  readonly service?: { readonly name: string; readonly namespace: string };
}

/** One request as the proxy sees it. */
export interface OracleEvalRequest {
  readonly proxy: OracleProxy;
  /** The filter chain; omitted: Istio's protocol of `servicePorts`, else sniffing (`looksHttp`). */
  readonly protocol?: 'http' | 'tcp';
  readonly servicePorts?: readonly { readonly port: number; readonly name?: string; readonly protocol?: string; readonly appProtocol?: string }[];
  readonly looksHttp?: boolean;
  readonly port?: number;
  /** The peer's mTLS identity without `spiffe://`; absent: plaintext. */
  readonly peer?: string;
  readonly sourceIp?: string;
  readonly remoteIp?: string;
  readonly destinationIp?: string;
  readonly sni?: string;
  readonly method?: string;
  readonly path?: string;
  readonly authority?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly jwt?: { readonly invalid?: true; readonly payload?: Readonly<Record<string, unknown>>; readonly header?: string; readonly param?: string };
}

export interface OracleEvalCase {
  /** Multi-document YAML: the mesh (security resources, Services, ConfigMap istio). */
  readonly resources: string;
  readonly requests: readonly OracleEvalRequest[];
  /** Include the generated filter configuration in each result (debugging). */
  readonly dump?: boolean;
}

export const OracleEvalResultSchema = z.object({
  decision: z.enum(['ALLOW', 'DENY', 'UNAUTHENTICATED', 'CONDITIONAL']).optional(),
  protocol: z.enum(['http', 'tcp']).optional(),
  stage: z.enum(['mtls', 'custom', 'jwt', 'deny', 'allow', 'none']).optional(),
  provider: z.string().optional(),
  /** Envoy's effective policy id, `ns[<ns>]-policy[<name>]-rule[<i>]` (CUSTOM: with a prefix/suffix). */
  policy: z.string().optional(),
  matching: z.array(z.string()).optional(),
  unmodeled: z.array(z.string()).optional(),
  notes: z.array(z.string()).optional(),
  filters: z.unknown().optional(),
});
export type OracleEvalResult = z.infer<typeof OracleEvalResultSchema>;

/** Istio's decisions on the requests of each case (one oracle run for all cases). */
export async function oracleEvaluate(command: readonly string[], cases: readonly OracleEvalCase[]): Promise<OracleEvalResult[][]> {
  return withTempDir(async (dir) => {
    const file = path.join(dir, 'evaluate.json');
    await writeFile(file, JSON.stringify(cases));
    const answers = z.array(z.array(OracleEvalResultSchema)).parse(await runOracle(command, ['evaluate', file]));
    if (answers.length !== cases.length) throw new Error(`oracle answered ${answers.length} of ${cases.length} cases`);
    answers.forEach((a, i) => {
      if (a.length !== cases[i]?.requests.length) throw new Error(`oracle answered ${a.length} of ${cases[i]?.requests.length} requests of case ${i}`);
    });
    return answers;
  });
}

/** `ns[foo]-policy[p]-rule[2]` (with any CUSTOM prefix or suffix) -> {policy: "foo/p", rule: 2}. */
export function policyOfRuleId(id: string): { readonly policy: string; readonly rule: number } | undefined {
  const m = /ns\[([^\]]*)\]-policy\[([^\]]*)\]-rule\[(\d+)\]/.exec(id);
  if (m === null) return undefined;
  return { policy: `${m[1]}/${m[2]}`, rule: Number(m[3]) };
}
