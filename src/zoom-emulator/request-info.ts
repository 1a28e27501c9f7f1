/** What the emulator knows about one request: set by the Zoom gateway guard, read by routes and the request log. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZoomRateLimitCategory } from '../zoom/wire.ts';
import type { AccessTokenRecord } from './state.ts';

/** Per-request facts, for the handler and the request log. */
export type RequestInfo = {
  startedAt: number;
  token: AccessTokenRecord | null;
  accessToken: string | null;
  tokenKind: 'access' | 'download' | 'refresh' | 'unknown' | null;
  /** The OAuth client, when known (REST token, or Basic auth on /oauth/*). */
  clientId: string | null;
  category: ZoomRateLimitCategory | null;
  fault: string | null;
  /** An injected slow response: the answer waits this long once the request is handled. */
  delayMs: number;
  /** True when the token holds an `:admin` scope for this route (account-wide access). */
  hasAdminScope: boolean;
};

const infos = new WeakMap<FastifyRequest, RequestInfo>();

export function requestInfo(request: FastifyRequest): RequestInfo {
  let info = infos.get(request);
  if (!info) {
    info = {
      startedAt: Date.now(),
      token: null,
      accessToken: null,
      tokenKind: null,
      clientId: null,
      category: null,
      fault: null,
      delayMs: 0,
      hasAdminScope: false,
    };
    infos.set(request, info);
  }
  return info;
}

/** Zoom's error body `{code, message}` (+ `errors[]` for validation, docs/zoom-platform.md §6). */
export function sendZoomError(
  reply: FastifyReply,
  status: number,
  code: number,
  message: string,
  errors?: { field: string; message: string }[],
) {
  return reply.status(status).send(errors ? { code, message, errors } : { code, message });
}

/** The authenticated token of a REST request (set by the guard). */
export function tokenOf(request: FastifyRequest): AccessTokenRecord {
  const token = requestInfo(request).token;
  if (!token) throw new Error('route used without the Zoom API guard');
  return token;
}

/** The token of `Authorization: Bearer …`, if any. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim() ?? null;
}
