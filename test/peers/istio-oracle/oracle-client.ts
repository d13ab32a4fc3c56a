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
