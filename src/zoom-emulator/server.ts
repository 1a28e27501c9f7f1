/**
 * The emulator's HTTP server: Zoom's hosts in one Fastify app (`/oauth/*` of zoom.us, `/v2/*` of
 * api.zoom.us, `/rec/*` downloads) plus the admin API under `/_emulator/*`.
 *
 * Every Zoom REST route goes through one guard that behaves like Zoom's gateway, in this order: a token in
 * the query string is refused (124), the Bearer token is checked (124), its scopes are checked (4700), the
 * account's rate limit is applied (429 with Zoom's headers), then injected faults (5xx, slowness).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteHandlerMethod,
} from 'fastify';
import type { ZoomRateLimitCategory } from '../zoom/wire.ts';
import { checkAccessToken } from './oauth.ts';
import { bearerToken, requestInfo, sendZoomError } from './request-info.ts';
import type { EmulatorContext } from './state.ts';

/** What a Zoom REST route declares: its rate-limit label and the scopes that grant it (docs/zoom-platform.md §1.5, §5). */
export type ZoomRouteMeta = { category: ZoomRateLimitCategory; scopes: string[] };

/** A route of Zoom's Light rate-limit category, granted by any of `scopes` (a 4700 lists them in this order). */
export const light = (...scopes: string[]): ZoomRouteMeta => ({ category: 'Light', scopes });
/** A route of Zoom's Medium rate-limit category, granted by any of `scopes`. */
export const medium = (...scopes: string[]): ZoomRouteMeta => ({ category: 'Medium', scopes });
/** A route of Zoom's Heavy rate-limit category, granted by any of `scopes`. */
export const heavy = (...scopes: string[]): ZoomRouteMeta => ({ category: 'Heavy', scopes });

/** Each scope followed by its `:admin` form, the order Zoom lists them in (`meeting:read`, `meeting:read:admin`). */
export function withAdmin(...scopes: string[]): string[] {
  return scopes.flatMap((scope) => [scope, `${scope}:admin`]);
}

function nextUtcMidnight(ms: number): string {
  const date = new Date(ms);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1))
    .toISOString()
    .replace('.000', '');
}

async function zoomGuard(
  ctx: EmulatorContext,
  meta: ZoomRouteMeta,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const info = requestInfo(request);
  info.category = meta.category;
  const query = request.query as Record<string, unknown>;
  const headerToken = bearerToken(request);
  // Since 2023-02-14 REST calls accept the token only in the Authorization header (docs/zoom-platform.md §1.5, S10).
  if (query && 'access_token' in query) {
    info.accessToken = typeof query.access_token === 'string' ? query.access_token : null;
    info.tokenKind = 'unknown';
    return sendZoomError(reply, 401, 124, 'Invalid access token.');
  }
  if (!headerToken) return sendZoomError(reply, 401, 124, 'Invalid access token.');
  info.accessToken = headerToken;
  const check = checkAccessToken(ctx, headerToken);
  if (!check.ok) {
    info.tokenKind = ctx.state.accessTokens.has(headerToken) ? 'access' : 'unknown';
    return sendZoomError(reply, 401, 124, check.message);
  }
  info.token = check.token;
  info.tokenKind = 'access';
  const granted = meta.scopes.filter((scope) => check.token.scopes.includes(scope));
  if (granted.length === 0) {
    return sendZoomError(
      reply,
      400,
      4700,
      `Invalid access token, does not contain scopes:[${meta.scopes.join(', ')}].`,
    );
  }
  info.hasAdminScope = granted.some((scope) => scope.includes(':admin') || scope.includes(':master'));

  const method = request.method;
  const route = request.routeOptions.url ?? request.url;
  const burst = ctx.faults.takeRateLimitBurst(method, route);
  const decision = ctx.rateLimiter.take(
    check.token.accountId,
    meta.category,
    new Date(ctx.clock.now()).toISOString().slice(0, 10),
  );
  reply.header('X-RateLimit-Category', meta.category);
  reply.header('X-RateLimit-Limit', String(decision.limit));
  reply.header('X-RateLimit-Remaining', String(decision.remaining));
  const exceeded = burst ?? decision.exceeded;
  if (exceeded) {
    if (burst) info.fault = `429 burst (${burst})`;
    reply.header('X-RateLimit-Remaining', '0');
    reply.header('X-RateLimit-Type', exceeded);
    if (exceeded === 'Daily-limit') {
      // A daily 429 reports the daily limit, not the per-second one (docs/zoom-platform.md §5).
      const dailyLimit = ctx.rateLimiter.dailyLimitFor(meta.category);
      reply.header('X-RateLimit-Limit', String(dailyLimit));
      // Daily limits carry Retry-After as an ISO date-time: the next 00:00 UTC (docs/zoom-platform.md §5).
      reply.header('Retry-After', nextUtcMidnight(ctx.clock.now()));
      return sendZoomError(
        reply,
        429,
        429,
        `You have exceeded the daily rate limit (${dailyLimit}) of ${meta.category} API requests permitted for this account. You may resume these requests at GMT 00:00:00.`,
      );
    }
    // QPS Retry-After in seconds: an emulator choice, Zoom's QPS headers vary (docs/zoom-platform.md §5, UNCONFIRMED).
    reply.header('Retry-After', '1');
    return sendZoomError(
      reply,
      429,
      429,
      'You have reached the maximum per-second rate limit for this API. Try again later.',
    );
  }
  const userParam = (request.params as { userId?: string } | undefined)?.userId;
  const aboutUser = userParam ? ctx.state.findUser(userParam) : undefined;
  const userError = aboutUser ? ctx.faults.userError(method, route, aboutUser) : null;
  if (userError) {
    info.fault = `injected ${userError.status} ${userError.code} for ${aboutUser?.email}`;
    return sendZoomError(
      reply,
      userError.status,
      userError.code,
      userError.message ?? zoomMessages[userError.code] ?? 'Error.',
    );
  }
  const errorStatus = ctx.faults.pickError(method, route);
  if (errorStatus !== null) {
    info.fault = `injected ${errorStatus}`;
    return sendZoomError(reply, errorStatus, errorStatus, 'Internal Error (injected by the Zoom emulator).');
  }
  const delay = ctx.faults.delayFor(method, route);
  if (delay > 0) {
    info.fault = `slow ${delay} ms`;
    // The request is carried out; its answer is late (onSend): a client that gives up meanwhile does
    // not know whether Zoom did it, as with Zoom.
    info.delayMs = delay;
  }
  return undefined;
}

/** Zoom's own wording for the codes an injected per-user error usually carries (docs/zoom-platform.md §6). */
const zoomMessages: Record<number, string> = {
  3161: 'Your user account is not allowed meeting hosting and scheduling capabilities.',
  1001: 'User does not exist or does not belong to this account.',
  500: 'Internal Error.',
};

type ZoomMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A Zoom REST endpoint as Zoom's docs name it: the method, then the path under `/v2` (`GET /users/:userId`). */
export type ZoomEndpoint = `${ZoomMethod} /${string}`;

/** Adds the route of a Zoom REST endpoint (under `/v2`) behind the guard. */
export function zoomRoute(
  app: FastifyInstance,
  ctx: EmulatorContext,
  endpoint: ZoomEndpoint,
  meta: ZoomRouteMeta,
  handler: RouteHandlerMethod,
): void {
  const space = endpoint.indexOf(' ');
  app.route({
    method: endpoint.slice(0, space) as ZoomMethod,
    url: `/v2${endpoint.slice(space + 1)}`,
    preHandler: async (request, reply) => zoomGuard(ctx, meta, request, reply),
    onSend: async (request) => {
      const { delayMs } = requestInfo(request);
      if (delayMs > 0) await sleep(delayMs);
      // The network profile's latency, on every answer (errors included).
      await ctx.network.delay('api');
    },
    handler,
  });
}

/**
 * Binds `zoomRoute` to a table of endpoints: `route('GET /groups', handler)` adds that endpoint's route with
 * the category and scopes the table gives it.
 */
export function zoomRoutes<E extends ZoomEndpoint>(
  app: FastifyInstance,
  ctx: EmulatorContext,
  endpoints: Record<E, ZoomRouteMeta>,
): (endpoint: E, handler: RouteHandlerMethod) => void {
  return (endpoint, handler) => zoomRoute(app, ctx, endpoint, endpoints[endpoint], handler);
}

function loggedQuery(url: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const search = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  for (const [key, raw] of search) {
    const value = key === 'access_token' ? '[redacted]' : raw;
    const existing = query[key];
    query[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

const bodylessMethods = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** Builds the Fastify app with Zoom's cross-cutting behaviour; feature routes are added by the caller. */
export function createServer(ctx: EmulatorContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 5 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  // Zoom's own SDK sends `Content-Type: application/json` on every call, body or not, and Zoom takes it:
  // an empty body is no body on methods that carry none (GET, HEAD, DELETE, OPTIONS).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '' && bodylessMethods.has(request.method)) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('invalid JSON body'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const info = requestInfo(request);
    // Every Zoom response carries a tracking id (docs/zoom-platform.md §2).
    reply.header('x-zm-trackingid', `v=2.0;clid=us06;rid=WEB_${randomBytes(16).toString('hex')}`);
    // Log on socket-level completion, so hijacked and aborted downloads are logged too.
    reply.raw.once('close', () => {
      const route = request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
      if (route.startsWith('/_emulator')) return;
      ctx.requestLog.add({
        at: new Date(ctx.clock.now()).toISOString(),
        method: request.method,
        path: request.url.split('?')[0] ?? request.url,
        query: loggedQuery(request.url),
        route,
        status: reply.raw.statusCode,
        category: info.category,
        accessToken: info.accessToken,
        tokenKind: info.tokenKind,
        clientId: info.token?.clientId ?? info.clientId,
        fault: info.fault,
        durationMs: Date.now() - info.startedAt,
      });
    });
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    if (
      error.statusCode === 400 ||
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
    ) {
      return sendZoomError(reply, 400, 300, 'Request Body should be a valid JSON object.');
    }
    if (error.statusCode === 415) return sendZoomError(reply, 415, 300, 'Unsupported Content-Type.');
    ctx.logger.error({ err: error, url: request.url.split('?')[0] }, 'emulator route failed');
    return sendZoomError(reply, 500, 500, error.message);
  });

  app.setNotFoundHandler((request, reply) => {
    return sendZoomError(
      reply,
      404,
      404,
      `No such endpoint on the Zoom emulator: ${request.method} ${request.url.split('?')[0]}`,
    );
  });

  return app;
}
