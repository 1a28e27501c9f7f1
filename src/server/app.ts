import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { ZodError } from 'zod';
import { AppError, type AppErrorCode, isAppError } from '../lib/errors.ts';
import { type Logger, redactUrl } from '../lib/logger.ts';
import { packageRoot } from '../lib/package-root.ts';
import { isZoomApiError, type ZoomApiError } from '../zoom/index.ts';
import type { Access, Principal } from './types.ts';

export type App = FastifyInstance;

/** One registered route and who may call it: the authorisation tests walk this table. */
export type RouteEntry = { method: string; url: string; access: Access };

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export type ServerOptions = {
  logger: Logger;
  cookieSecure: boolean;
  /** Resolves the session cookie to a principal, or null. */
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  /** Each feature's routes, mounted in order. */
  routes: Array<(app: App) => void | Promise<void>>;
  /** Readiness probe: throws when a dependency (database) is not usable. */
  checkReady(): Promise<void>;
  /** Folder of the built web UI; defaults to dist/web. `false`: no UI (a worker's metrics server). */
  webRoot?: string | false;
  bodyLimitBytes?: number;
  /** Fastify's `trustProxy` from TRUST_PROXY: off, or the proxies' addresses and CIDR ranges. */
  trustProxy?: false | string[];
  /** Level of the one line logged per request: `debug` keeps a terminal readable (`callport start`). */
  requestLogLevel?: 'info' | 'debug';
};

export const sessionCookieName = 'callport_session';
/** The cookie holding the CSRF secret; a new secret at every sign-in, none after sign-out. */
export const csrfCookieName = 'callport_csrf';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const defaultWebRoot = path.join(packageRoot, 'dist', 'web');

/** Builds the HTTP application: security plugins, access control, error mapping, feature routes, web UI. */
export async function buildServer(options: ServerOptions): Promise<App> {
  const app: App = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Off unless configured: a client could otherwise choose its own address with X-Forwarded-For.
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: false,
    logController: new RequestLogController(options.requestLogLevel ?? 'info'),
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: options.cookieSecure ? [] : null,
      },
    },
    strictTransportSecurity: options.cookieSecure,
  });
  await app.register(cookie);
  await app.register(csrf, {
    cookieKey: csrfCookieName,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: options.cookieSecure },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
  });
  // preHandler: the sign-in limit keys on the e-mail in the parsed body.
  await app.register(rateLimit, { global: false, hook: 'preHandler' });

  app.decorateRequest('principal', null);

  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access)
      throw new Error(`Route ${route.method} ${route.url} declares no access level (config.access)`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, access });
    }
  });

  app.addHook('preHandler', async (request) => {
    const access: Access | undefined = request.routeOptions.config.access;
    if (access === 'public' || access === 'webhook' || access === undefined) return;
    request.principal = await options.authenticate(request);
    if (!request.principal) throw new AppError('unauthenticated', 'Sign in first.');
    if (access === 'admin' && request.principal.role !== 'admin') {
      throw new AppError('forbidden', 'Only a Callport admin can do this.');
    }
  });
  // Cookie-authenticated writes carry the CSRF token from GET /api/session in `x-csrf-token`.
  app.addHook('preHandler', (request, reply, done) => {
    if (!request.principal || !unsafeMethods.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, code, message, details, reason, params } = toErrorResponse(error);
    if (isZoomApiError(error) && error.kind === 'rate_limited' && error.retryAfterMs)
      reply.header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log[options.requestLogLevel ?? 'info']({ code, status }, 'request refused');
    void reply
      .status(status)
      .type('application/json')
      .send({
        error: {
          code,
          message: status >= 500 ? `${message} (request ${request.id})` : message,
          details,
          reason,
          params,
        },
      });
  });

  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    try {
      await options.checkReady();
      return { status: 'ready' };
    } catch (error) {
      return reply.status(503).send({ error: { code: 'not_ready', message: (error as Error).message } });
    }
  });

  for (const register of options.routes) await register(app);

  if (options.webRoot !== false) await mountWebUi(app, options.webRoot ?? defaultWebRoot);
  return app;
}

/**
 * One line per request when it completes, instead of Fastify's two (incoming + completed), at a
 * chosen level, and without the query string (an OAuth callback's `code`, a legacy `access_token`).
 */
class RequestLogController extends LogController {
  constructor(private readonly level: 'info' | 'debug') {
    super();
  }
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: redactUrl(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log[this.level](line, 'request');
  }
  override routeNotFound(request: FastifyRequest): void {
    request.log[this.level]({ method: request.method, url: redactUrl(request.url) }, 'route not found');
  }
}

async function mountWebUi(app: App, webRoot: string): Promise<void> {
  const indexFile = path.join(webRoot, 'index.html');
  const hasUi = fs.existsSync(indexFile);
  // Served without the static plugin's own routes so that every route declares its access level.
  if (hasUi) await app.register(fastifyStatic, { root: webRoot, serve: false });
  app.get('/assets/*', { config: { access: 'public' } }, (request, reply) => {
    if (!hasUi)
      return reply.status(404).send({ error: { code: 'not_found', message: 'The web UI is not built.' } });
    const file = (request.params as { '*': string })['*'];
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .sendFile(file, path.join(webRoot, 'assets'));
  });
  app.setNotFoundHandler((request, reply) => {
    // A missing asset is a 404, not the app's page: a browser still holding an older release's page
    // asks for that release's chunks, and HTML in place of a script only fails more obscurely.
    const isApi = ['/api/', '/webhooks/', '/assets/'].some((prefix) => request.url.startsWith(prefix));
    if (isApi || request.method !== 'GET') {
      return reply.status(404).send({
        error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
      });
    }
    if (!hasUi) {
      return reply.status(503).type('text/plain').send('The web UI is not built: run `npm run build:web`.');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', webRoot);
  });
}

const statusCodes: Record<number, AppErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function toErrorResponse(error: FastifyError | Error): {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  reason?: string;
  params?: unknown;
} {
  if (isZoomApiError(error)) return fromZoomError(error);
  if (isAppError(error))
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
      reason: error.reason,
      params: error.params,
    };
  if ((error as FastifyError).code?.startsWith('FST_CSRF_')) {
    return {
      status: 403,
      code: 'csrf_invalid',
      message: 'The page is out of date (its security token is missing or invalid): reload it and try again.',
    };
  }
  if (error instanceof ZodError) {
    return { status: 400, code: 'validation_failed', message: 'Invalid input.', details: error.issues };
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = statusCodes[status] ?? 'bad_request';
    const message =
      status === 413
        ? 'The request body is too large.'
        : status === 429
          ? error.message || 'Too many requests: wait a minute and try again.'
          : error.message;
    return { status, code, message };
  }
  return {
    status: 500,
    code: 'internal',
    message: 'Callport failed to handle this request; the error was logged',
  };
}

/**
 * A Zoom failure during a request is Zoom's answer, not Callport's bug: a refused access asks for a
 * reconnect (409), a rate limit says to wait (429), anything else is a gateway error (502), never an
 * "internal error".
 */
function fromZoomError(error: ZoomApiError): { status: number; code: string; message: string } {
  if (error.kind === 'unauthorized' || error.kind === 'invalid_grant') {
    return {
      status: 409,
      code: 'zoom_not_connected',
      message: "Zoom refused Callport's access: an admin must reconnect Zoom in Settings > Integrations.",
    };
  }
  if (error.kind === 'rate_limited') {
    return {
      status: 429,
      code: 'rate_limited',
      message: 'Zoom is limiting requests: wait a minute and try again.',
    };
  }
  return {
    status: 502,
    code: 'zoom_unavailable',
    message: `Zoom did not answer as expected: ${error.message}`,
  };
}
