// The review bot's part of the serve composition root, kept in one place: with Gerrit (--gerrit-url) and
// the policy repository (--policy-project) configured, a ReviewBot over the service's copilot deps (with
// a cluster dry-run that throws when the cluster does not answer, so the bot retries instead of voting),
// and, with GIC_REVIEW_WEBHOOK_SECRET set, the `POST /webhooks/gerrit` sub-app (else the bot polls).
// With a cluster and GIC_REVIEW_LEASE_NAMESPACE, replicas elect the one that polls and works on a Lease.
// Without Gerrit or a policy project the bot is off and this returns a no-op.
import { hostname } from 'node:os';

import type { Hono } from 'hono';

import type { ServerDryRun } from '../copilot/deps.js';
import { AppError } from '../errors.js';
import type { GicEnv } from '../http/http-env.js';
import type { Logger } from '../log.js';
import type { OpenedService } from './service-root.js';

export interface ReviewBotService {
  /** Public sub-apps (the webhook) for startHttpService. */
  readonly routes: readonly Hono<GicEnv>[];
  /** For the startup line. */
  readonly describe: string;
  start(): void;
  stop(): Promise<void>;
}

const OFF = (why: string): ReviewBotService => ({ routes: [], describe: `off (${why})`, start: () => {}, stop: () => Promise.resolve() });

export async function openReviewBot(service: OpenedService, logger: Logger): Promise<ReviewBotService> {
  const { config } = service;
  if (config.gerrit.url === undefined) return OFF('no --gerrit-url');
  if (config.policyRepo.project === undefined) return OFF('no --policy-project');
  const [{ GerritClient }, { ReviewBot }, { reviewSettingsFrom }, { createGerritWebhookRoutes }, { loadKubeConfig }] = await Promise.all([
    import('../gerrit/gerrit-client.js'),
    import('../review/review-bot.js'),
    import('../review/review-settings-from-config.js'),
    import('../http/gerrit-webhook-routes.js'),
    import('../kube/load-kube-config.js'),
  ]);
  const settings = reviewSettingsFrom(config);
  const gerrit = new GerritClient({
    baseUrl: config.gerrit.url,
    ...(config.gerrit.user !== undefined && config.gerrit.password !== undefined ? { credentials: { username: config.gerrit.user, password: config.gerrit.password } } : {}),
    timeoutMs: config.gerrit.timeoutMs,
    retry: config.gerrit.retry,
    logger: logger.child({ adapter: 'gerrit', component: 'review-bot' }),
  });
  let dryRun: ServerDryRun | undefined;
  const cluster = loadKubeConfig(config.cluster);
  if (cluster !== undefined) {
    const [{ KubeGateway }, { dryRunSourcesDetailed }] = await Promise.all([import('../kube/kube-gateway.js'), import('../kube/dry-run-resources.js')]);
    const gateway = new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs });
    dryRun = async (sources) => {
      const { report, unavailable } = await dryRunSourcesDetailed(sources, { gateway });
      if (unavailable !== undefined) throw new AppError('unavailable', `the cluster (${cluster.origin}) did not answer the dry-run: ${unavailable}`, { retryable: true });
      return report;
    };
  }
  const copilot = { ...service.deps, ...(dryRun !== undefined ? { dryRun } : {}) };
  const log = logger.child({ component: 'review-bot' });
  // Replicas on one cluster: the poller, sweeper and worker run on the Lease holder (the ledger's atomic
  // claims keep reviews single even without it); the webhook intake runs everywhere.
  let elector: { start(): void; stop(): Promise<void>; isLeader(): boolean } | undefined;
  if (cluster !== undefined && config.review.leaseNamespace !== undefined) {
    const [{ KubeGateway }, { LeaseElector }] = await Promise.all([import('../kube/kube-gateway.js'), import('../kube/lease-elector.js')]);
    elector = new LeaseElector(new KubeGateway(cluster.kubeConfig, { timeoutMs: config.cluster.timeoutMs }), { namespace: config.review.leaseNamespace, name: 'gic-review-bot', identity: `${hostname()}-${process.pid}`, logger: log });
  }
  const leader = elector;
  const bot = new ReviewBot({ copilot, gerrit, settings }, { logger: log, baseUrl: config.gerrit.url, ...(leader !== undefined ? { isLeader: () => leader.isLeader() } : {}) });
  const secret = config.review.webhookSecret;
  const routes = secret !== undefined ? [createGerritWebhookRoutes({ secret, receive: (event) => bot.receive(event), logger: log })] : [];
  return {
    routes,
    describe: `${settings.project} ${settings.branch}:${settings.path}, label ${settings.label}, base ${settings.base}, ${secret !== undefined ? 'webhook at /webhooks/gerrit and polling' : 'polling only (no GIC_REVIEW_WEBHOOK_SECRET)'}${leader !== undefined ? `, leader election on Lease ${config.review.leaseNamespace ?? ''}/gic-review-bot` : ''}`,
    start: () => {
      leader?.start();
      bot.start();
    },
    stop: async () => {
      await bot.stop();
      await leader?.stop();
      await gerrit.close();
    },
  };
}
