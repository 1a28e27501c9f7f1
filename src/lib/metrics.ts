import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Callport's Prometheus metrics, one registry per process (scraped at GET /metrics). Features receive
 * this object and count what they do; nothing reads the counters back.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'callport_' });
  /** A counter of this registry; its label names are typed (`inc({ outcome })` is checked). */
  const counter = <Label extends string = string>(
    name: string,
    help: string,
    labelNames: readonly Label[] = [],
  ) => new Counter<Label>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    zoomRequests: counter(
      'callport_zoom_requests_total',
      'Requests sent to Zoom, by rate-limit category and HTTP status',
      ['category', 'status'],
    ),
    zoomRateLimited: counter(
      'callport_zoom_rate_limited_total',
      '429 answers from Zoom, by rate-limit category',
      ['category'],
    ),
    webhookRejected: counter(
      'callport_webhook_rejected_total',
      'Webhook deliveries refused (bad signature, stale timestamp, malformed), by reason',
      ['reason'],
    ),
    webhookAccepted: counter(
      'callport_webhook_accepted_total',
      'Webhook deliveries verified and accepted (duplicates included)',
    ),
    tokenRefreshes: counter(
      'callport_token_refreshes_total',
      'Zoom token refreshes, by outcome (refreshed, dead_grant, error)',
      ['outcome'],
    ),
    imports: counter(
      'callport_imports_total',
      'Import job runs by outcome (imported, updated, unchanged, skipped, retry, busy, gone, failed)',
      ['outcome'],
    ),
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
