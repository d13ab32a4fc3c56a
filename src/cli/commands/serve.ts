// `gic serve`: the HTTP service on one port (docs/cli.md "The service"): /mcp (Streamable HTTP,
// stateless), /healthz, /readyz, /metrics, and the sub-apps other surfaces add. With nothing configured
// it runs on the embedded demo mesh and demo Gerrit snapshot, on loopback, with no auth, and prints the
// URL. SIGTERM (or Ctrl-C) drains: /healthz and /readyz turn 503, no new connections are accepted,
// calls in flight finish (up to --drain-timeout-ms), then the process exits.
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { SERVICE_OPTIONS } from '../serve-options.js';
import { CHAT_OPTIONS } from '../setting-options.js';
import { VERSION } from '../version.js';

function intFlag(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new AppError('usage', `--${name} must be a whole number from ${min} to ${max}, got "${String(value)}"`);
  return Number(value);
}

export const serveCommand: Command = {
  name: 'serve',
  description: 'run the HTTP service: MCP over Streamable HTTP at /mcp, health, readiness and metrics',
  usage: 'gic serve [--port 8080] [--host 127.0.0.1] [--mesh PATH...] [--toolsets LIST] [--read-only]',
  examples: ['gic serve', 'gic serve --port 9000 --mesh examples/demo-mesh --read-only', 'gic serve --port 0   # any free port; the URL is printed'],
  options: {
    port: { type: 'string', valueName: 'PORT', description: 'TCP port (default 8080; 0 picks a free port)' },
    host: { type: 'string', valueName: 'ADDRESS', description: 'address to listen on (default 127.0.0.1)' },
    'drain-timeout-ms': { type: 'string', valueName: 'MS', description: 'on SIGTERM, how long calls in flight may take to finish (default 25000)' },
    ...SERVICE_OPTIONS,
    ...CHAT_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, io, logger }) {
    const port = intFlag(values['port'], 'port', 8080, 0, 65_535);
    const drainMs = intFlag(values['drain-timeout-ms'], 'drain-timeout-ms', 25_000, 0, 600_000);
    const host = typeof values['host'] === 'string' ? values['host'] : '127.0.0.1';
    const [{ openService }, { startHttpService }, { createServiceMetrics }] = await Promise.all([import('../service-root.js'), import('../http-service.js'), import('../../http/service-metrics.js')]);
    const metrics = createServiceMetrics();
    const service = await openService(values, logger, {
      observeModel: (outcome, usage) => {
        metrics.modelCalls.inc({ outcome });
        if (usage !== undefined) {
          metrics.modelTokens.inc({ kind: 'prompt' }, usage.promptTokens);
          metrics.modelTokens.inc({ kind: 'completion' }, usage.completionTokens);
        }
      },
    });
    const { openReviewBot } = await import('../review-bot-service.js');
    const bot = await openReviewBot(service, logger);
    try {
      const running = await startHttpService({ service, logger, host, port, version: VERSION, metrics, publicApps: bot.routes });
      bot.start();
      const url = running.url;
      const auth = running.authMode === 'none' ? 'none, loopback only' : running.authMode;
      io.stdout(`gic serve: listening on ${url} (MCP at ${url}/mcp; mesh: ${service.describe.mesh}; Gerrit groups: ${service.describe.groups}; model: ${service.describe.model}; review bot: ${bot.describe}; auth: ${auth}; tools: ${service.tools.length})
`);
      await io.drain?.();
      const signal = await new Promise<string>((resolve) => {
        // `on`, not `once`: a second signal (Ctrl-C reaches both a wrapper and gic) must not kill the drain.
        process.on('SIGTERM', () => resolve('SIGTERM'));
        process.on('SIGINT', () => resolve('SIGINT'));
      });
      logger.info('draining', { signal, inFlight: running.inFlight() });
      await running.stop(drainMs);
    } finally {
      await bot.stop();
      await service.close();
    }
    return { status: 'ok' };
  },
};
