/**
 * Fault injection: 5xx error rates per endpoint, 429 bursts, slow responses, connection resets and
 * truncated bodies on downloads. Random choices come from a generator seeded with `--seed`, so a run with
 * the same seed and the same request order fails the same requests.
 */
import { deriveSeed, SeededRandom } from './random.ts';

/**
 * An endpoint as `METHOD /route/pattern` with Fastify's `:param` syntax (`GET /v2/users/:userId/recordings`),
 * a route pattern without method (any method), or `*` for every Zoom endpoint (not `/_emulator`).
 */
export type EndpointSelector = string;

export type FaultSettings = {
  /** Fail a share of requests with a 5xx and Zoom's error body. `rate` is 0..1. */
  errorRates: { endpoint: EndpointSelector; rate: number; status?: 500 | 502 | 503 | 504 }[];
  /** The next `count` REST calls (matching `endpoint`, default all) get 429. */
  rateLimitBurst: { count: number; type?: 'QPS' | 'Daily-limit'; endpoint?: EndpointSelector } | null;
  /**
   * Fail every matching request about one user (`:userId` of the route, given as id or e-mail) with
   * Zoom's error body, e.g. `{ endpoint: 'GET /v2/users/:userId/recordings', user: 'a@b.c', status: 400,
   * code: 3161 }` for a user not allowed to host. Deterministic, unlike `errorRates`.
   */
  userErrors: { endpoint: EndpointSelector; user: string; status: number; code: number; message?: string }[];
  /** Delay responses of matching endpoints. */
  slowResponses: { endpoint: EndpointSelector; delayMs: number }[];
  /** Destroy the socket after this many body bytes of a file download (signed URL). */
  resetDownloadsAfterBytes: number | null;
  /** End a file download after this many body bytes while `Content-Length` promised the full size. */
  truncateDownloadsAfterBytes: number | null;
  /**
   * With `truncateDownloadsAfterBytes`: send the cut body without `Content-Length` (chunked) and end it
   * properly, as a proxy re-chunking the file would; only the `file_size` Zoom listed shows it is short.
   */
  truncatedDownloadsChunked: boolean;
  /**
   * Meeting UUIDs listed by `GET /users/{userId}/recordings` with `host_id: null`: an item a client cannot
   * read, to check that it skips that meeting and goes on with the rest of the page.
   */
  malformedListedRecordings: string[];
  /** The signed download URL rejects requests that still carry an `Authorization` header (docs/zoom-platform.md §2.4, UNCONFIRMED). */
  signedUrlRejectsAuthorization: boolean;
};

export function defaultFaults(): FaultSettings {
  return {
    errorRates: [],
    userErrors: [],
    rateLimitBurst: null,
    slowResponses: [],
    resetDownloadsAfterBytes: null,
    truncateDownloadsAfterBytes: null,
    truncatedDownloadsChunked: false,
    malformedListedRecordings: [],
    signedUrlRejectsAuthorization: false,
  };
}

export function matchesEndpoint(selector: EndpointSelector, method: string, route: string): boolean {
  if (selector === '*') return !route.startsWith('/_emulator');
  const space = selector.indexOf(' ');
  if (space === -1) return selector === route;
  return (
    selector.slice(0, space).toUpperCase() === method.toUpperCase() && selector.slice(space + 1) === route
  );
}

export class FaultController {
  private settings = defaultFaults();
  private random: SeededRandom;

  constructor(private readonly seed: number) {
    this.random = new SeededRandom(deriveSeed(seed, 'faults'));
  }

  get(): FaultSettings {
    return structuredClone(this.settings);
  }

  /** Replaces the given switches (others keep their value); resets the random sequence for determinism. */
  set(patch: Partial<FaultSettings>): FaultSettings {
    this.settings = { ...this.settings, ...structuredClone(patch) };
    this.random = new SeededRandom(deriveSeed(this.seed, 'faults'));
    return this.get();
  }

  reset(): void {
    this.set(defaultFaults());
  }

  /** The 5xx status to answer with, or null. */
  pickError(method: string, route: string): number | null {
    for (const rule of this.settings.errorRates) {
      if (!matchesEndpoint(rule.endpoint, method, route)) continue;
      if (this.random.next() < rule.rate) return rule.status ?? 500;
    }
    return null;
  }

  /** The injected error for a request about this user (matched by id or e-mail), or null. */
  userError(
    method: string,
    route: string,
    user: { id: string; email: string },
  ): { status: number; code: number; message?: string } | null {
    for (const rule of this.settings.userErrors) {
      if (!matchesEndpoint(rule.endpoint, method, route)) continue;
      const wanted = rule.user.toLowerCase();
      if (wanted === user.id.toLowerCase() || wanted === user.email.toLowerCase()) return rule;
    }
    return null;
  }

  /** Consumes one forced 429, if a burst is active for this endpoint. */
  takeRateLimitBurst(method: string, route: string): 'QPS' | 'Daily-limit' | null {
    const burst = this.settings.rateLimitBurst;
    if (!burst || burst.count <= 0) return null;
    if (burst.endpoint && !matchesEndpoint(burst.endpoint, method, route)) return null;
    burst.count -= 1;
    const type = burst.type ?? 'QPS';
    if (burst.count <= 0) this.settings.rateLimitBurst = null;
    return type;
  }

  delayFor(method: string, route: string): number {
    let delay = 0;
    for (const rule of this.settings.slowResponses) {
      if (matchesEndpoint(rule.endpoint, method, route)) delay = Math.max(delay, rule.delayMs);
    }
    return delay;
  }

  downloadCut(): { mode: 'reset' | 'truncate' | 'truncate-chunked'; afterBytes: number } | null {
    if (this.settings.resetDownloadsAfterBytes !== null) {
      return { mode: 'reset', afterBytes: this.settings.resetDownloadsAfterBytes };
    }
    if (this.settings.truncateDownloadsAfterBytes !== null) {
      return {
        mode: this.settings.truncatedDownloadsChunked ? 'truncate-chunked' : 'truncate',
        afterBytes: this.settings.truncateDownloadsAfterBytes,
      };
    }
    return null;
  }

  isMalformedListing(uuid: string): boolean {
    return this.settings.malformedListedRecordings.includes(uuid);
  }

  signedUrlRejectsAuthorization(): boolean {
    return this.settings.signedUrlRejectsAuthorization;
  }
}
