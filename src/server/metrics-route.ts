import { timingSafeEqual } from 'node:crypto';
import type { JobQueue } from '../jobs/index.ts';
import { AppError } from '../lib/errors.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { App } from './app.ts';

/**
 * GET /metrics in Prometheus's text format. With METRICS_TOKEN set, scrapers send it as a Bearer token;
 * without it, only requests from this machine (loopback) are answered.
 */
export function registerMetricsRoute(options: {
  metrics: Metrics;
  queue: JobQueue;
  token: string | undefined;
}) {
  return (app: App) => {
    app.get('/metrics', { config: { access: 'public' } }, async (request, reply) => {
      // request.ip: the socket's address, or the client's as named by a proxy TRUST_PROXY trusts (a
      // proxy on this machine would otherwise make every scraper look local).
      if (!isAllowed(request.headers.authorization, request.ip, options.token)) {
        throw new AppError(
          'forbidden',
          'Metrics need the METRICS_TOKEN bearer token, or a request from this machine.',
        );
      }
      const depths = await options.queue.getQueueSizes().catch(() => ({}) as Record<string, number>);
      for (const name of options.queue.queueNames()) {
        options.metrics.queueDepth.set({ queue: name }, depths[name] ?? 0);
      }
      return reply.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
    });
  };
}

function isAllowed(
  authorization: string | undefined,
  remoteAddress: string | undefined,
  token: string | undefined,
) {
  if (token) {
    const given = Buffer.from(authorization?.replace(/^Bearer /i, '') ?? '');
    const wanted = Buffer.from(token);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  return remoteAddress === '127.0.0.1' || remoteAddress === '::1' || remoteAddress === '::ffff:127.0.0.1';
}
