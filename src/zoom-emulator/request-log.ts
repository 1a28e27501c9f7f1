/** Every request the emulator served, with the token it used, for assertions like "no call with a revoked token". */
import type { ZoomRateLimitCategory } from '../zoom/wire.ts';

export type RequestLogEntry = {
  seq: number;
  /** Virtual time, ISO 8601. */
  at: string;
  method: string;
  /** Path without the query string (tokens in query strings never reach the log). */
  path: string;
  /**
   * The query parameters as received (repeated ones as arrays), for request-side contract checks; a token
   * sent as `access_token` is kept as `[redacted]`.
   */
  query: Record<string, string | string[]>;
  /** Fastify route pattern, e.g. `/v2/users/:userId/recordings`; the endpoint key of counts and faults. */
  route: string;
  status: number;
  category: ZoomRateLimitCategory | null;
  /**
   * The token the request carried: the Bearer token (header or, on download URLs, `access_token`), or the
   * refresh token sent to /oauth/token.
   */
  accessToken: string | null;
  tokenKind: 'access' | 'download' | 'refresh' | 'unknown' | null;
  clientId: string | null;
  /** The injected fault that shaped the response, if any. */
  fault: string | null;
  durationMs: number;
};

export type RequestCounts = {
  total: number;
  byEndpoint: Record<string, number>;
  byCategory: Record<string, number>;
  byStatus: Record<string, number>;
};

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  /** `onEntry`: told of every request as it is logged (a test checking every request of a client). */
  constructor(private readonly onEntry?: (entry: RequestLogEntry) => void) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.seq += 1;
    const logged = { seq: this.seq, ...entry };
    this.entries.push(logged);
    this.onEntry?.({ ...logged });
    // Keep memory bounded during long sandbox runs.
    if (this.entries.length > 50_000) this.entries.splice(0, 10_000);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }

  counts(): RequestCounts {
    const counts: RequestCounts = { total: 0, byEndpoint: {}, byCategory: {}, byStatus: {} };
    for (const entry of this.entries) {
      counts.total += 1;
      const endpoint = `${entry.method} ${entry.route}`;
      counts.byEndpoint[endpoint] = (counts.byEndpoint[endpoint] ?? 0) + 1;
      if (entry.category) counts.byCategory[entry.category] = (counts.byCategory[entry.category] ?? 0) + 1;
      counts.byStatus[entry.status] = (counts.byStatus[entry.status] ?? 0) + 1;
    }
    return counts;
  }
}
