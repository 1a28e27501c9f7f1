import type { Role } from '../contract/index.ts';

/** Who may call a route. Every route declares one; the server refuses to start a route without it. */
export type Access = 'public' | 'user' | 'admin' | 'webhook';

/** The signed-in person behind a request. */
export type Principal = {
  userId: string;
  organizationId: string;
  role: Role;
  email: string;
  sessionIdHash: string;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
