import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Callport's Prometheus metrics, one registry per process (scraped at GET /metrics). Features receive
 * this object and count what they do; nothing reads the counters back.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'callport_' });
  return {
    registry,
    zoomRequests: new Counter({
      name: 'callport_zoom_requests_total',
      help: 'Requests sent to Zoom, by rate-limit category and HTTP status',
      labelNames: ['category', 'status'] as const,
      registers: [registry],
    }),
    zoomRateLimited: new Counter({
      name: 'callport_zoom_rate_limited_total',
      help: '429 answers from Zoom, by rate-limit category',
      labelNames: ['category'] as const,
      registers: [registry],
    }),
    webhookRejected: new Counter({
      name: 'callport_webhook_rejected_total',
      help: 'Webhook deliveries refused (bad signature, stale timestamp, malformed), by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    webhookAccepted: new Counter({
      name: 'callport_webhook_accepted_total',
      help: 'Webhook deliveries verified and accepted (duplicates included)',
      registers: [registry],
    }),
    tokenRefreshes: new Counter({
      name: 'callport_token_refreshes_total',
      help: 'Zoom token refreshes, by outcome (refreshed, dead_grant, error)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    imports: new Counter({
      name: 'callport_imports_total',
      help: 'Import job runs by outcome (imported, updated, unchanged, skipped, retry, busy, gone, failed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    importLatency: new Histogram({
      name: 'callport_import_latency_seconds',
      help: 'From the end of the Zoom recording to the call being available',
      buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'callport_queue_depth',
      help: 'Jobs waiting per queue',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
