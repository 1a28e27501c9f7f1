import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './app.ts';
import { getPrincipal } from './request.ts';
import type { Access, Principal } from './types.ts';

type SignedInHandler = (
  principal: Principal,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<unknown>;
type Mount = (url: string, handle: SignedInHandler) => void;

/**
 * Mounts routes for signed-in people at one access level (`user`, or `admin`), which the access hook
 * checks before the handler: each handler is handed the principal, then the request and reply. A route
 * with more options (a rate limit, a body limit) is declared with `app` itself.
 */
export function signedInRoutes(
  app: App,
  access: Extract<Access, 'user' | 'admin'>,
): Record<'get' | 'post' | 'put' | 'patch' | 'delete', Mount> {
  const mount =
    (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'): Mount =>
    (url, handle) => {
      app.route({
        method,
        url,
        config: { access },
        handler: async (request, reply) => handle(getPrincipal(request), request, reply),
      });
    };
  return {
    get: mount('GET'),
    post: mount('POST'),
    put: mount('PUT'),
    patch: mount('PATCH'),
    delete: mount('DELETE'),
  };
}
