// Builds the model client from gic's settings (src/config `model` section): the egress guard with the
// allow-list and cluster domain, then the OpenAI-compatible client behind it. Returns undefined when no
// model URL is configured (every capability but free-text drafting works without a model). Front-ends
// call this from their composition root; `gic serve` should call checkModelEgress first and refuse to
// start when it is refused.
import type { ModelSettings } from '../config/config-schema.js';
import type { Logger } from '../log.js';
import { EgressGuard, type ResolveHost } from './egress-guard.js';
import type { EgressVerdict } from './egress-policy.js';
import { ModelError } from './model-error.js';
import { OpenAiChatModel } from './openai-chat-model.js';
import type { StructuredOutputDialect } from './structured-output-dialect.js';

export interface CreateChatModelOptions {
  readonly logger?: Logger;
  /** Resolver for the egress guard (default: the system resolver). */
  readonly resolve?: ResolveHost;
}

/** The egress guard the settings describe. */
export function egressGuardFor(settings: ModelSettings, resolve?: ResolveHost): EgressGuard {
  return new EgressGuard({ allowHosts: settings.allowHosts, clusterDomain: settings.clusterDomain, ...(resolve === undefined ? {} : { resolve }) });
}

/** The configured client, or undefined when no model URL is set; throws `model-not-configured` on a URL without a model. */
export function createChatModel(settings: ModelSettings, options: CreateChatModelOptions = {}): OpenAiChatModel | undefined {
  if (settings.url === undefined) return undefined;
  if (settings.model === undefined) throw new ModelError('model-not-configured', `a model URL is set (${new URL(settings.url).host}) but no model name: give --model or GIC_MODEL`);
  return new OpenAiChatModel({
    baseUrl: settings.url,
    model: settings.model,
    ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }),
    guard: egressGuardFor(settings, options.resolve),
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    retry: { maxRetries: settings.maxRetries },
    concurrency: settings.concurrency,
    structuredOutput: settings.structuredOutput satisfies StructuredOutputDialect,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

/**
 * For `gic serve` and other long-running front-ends: throws `model-egress-refused` (a message that says
 * egress) when a model is configured and the guard refuses its endpoint; returns the verdict otherwise.
 */
export async function assertModelEgressAllowed(settings: ModelSettings, resolve?: ResolveHost): Promise<EgressVerdict | undefined> {
  if (settings.url === undefined) return undefined;
  return egressGuardFor(settings, resolve).assertAllowed(new URL(settings.url).hostname);
}

/** The egress verdict for the configured endpoint, without sending it anything; undefined when no URL is set. */
export async function checkModelEgress(settings: ModelSettings, resolve?: ResolveHost): Promise<EgressVerdict | undefined> {
  if (settings.url === undefined) return undefined;
  return egressGuardFor(settings, resolve).check(new URL(settings.url).hostname);
}
