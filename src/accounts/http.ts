import { z } from 'zod';
import {
  changePasswordRequestSchema,
  createUserRequestSchema,
  importUsersRequestSchema,
  signInRequestSchema,
  updateMyPreferencesRequestSchema,
  updateUserRequestSchema,
} from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { App } from '../server/app.ts';
import { csrfCookieName, sessionCookieName } from '../server/app.ts';
import { getPrincipal, limitPerMinute, parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import { changeOwnPassword } from './change-password.ts';
import { editOrganization } from './edit-organization.ts';
import { importUsersCsv } from './import-users-csv.ts';
import { createUser, editUser } from './manage-users.ts';
import {
  findOrganization,
  findUserInOrganization,
  listUsers,
  type OrganizationRow,
  toOrganization,
  toUser,
} from './queries.ts';
import { closeSession, openSession } from './sessions.ts';
import { signIn } from './sign-in.ts';
import { SignInBackoff, signInKey } from './sign-in-limits.ts';
import { updateMyPreferences } from './update-my-preferences.ts';

export type AccountsRoutesOptions = {
  db: Db;
  sessionTtlHours: number;
  cookieSecure: boolean;
  isSandbox: boolean;
  /** Per-account sign-in backoff; one per process by default. */
  signInBackoff?: SignInBackoff;
  /**
   * Users were created, imported, (de)activated or (un)licensed: who is imported and who is in the
   * recording group may have changed. Failures are the listener's to report; the request has succeeded.
   */
  onUsersChanged?: (organizationId: string) => Promise<void>;
};

const idParamsSchema = z.object({ id: z.uuid({ message: 'not a user id' }) });
const updateOrganizationRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    productName: z.string().trim().min(1).max(100),
    productUrl: z.url().max(500).nullable(),
  })
  .partial()
  .strict();

/** The organisation as the API shows it; deleted meanwhile (no row), a 404 that says so. */
function organizationOrGone(organization: OrganizationRow | undefined) {
  if (!organization)
    throw new AppError('not_found', 'Your organisation no longer exists.', { reason: 'organization_gone' });
  return toOrganization(organization);
}

export function registerAccountsRoutes(options: AccountsRoutesOptions) {
  const { db } = options;
  const backoff = options.signInBackoff ?? new SignInBackoff();
  return (app: App) => {
    const signedIn = signedInRoutes(app, 'user');
    const admin = signedInRoutes(app, 'admin');
    const buildSession = async (
      userId: string,
      organizationId: string,
      reply: { generateCsrf(): string },
    ) => {
      const user = await findUserInOrganization(db, organizationId, userId);
      const organization = await findOrganization(db, organizationId);
      if (!user || !organization) throw new AppError('unauthenticated', 'Sign in first.');
      return {
        user: toUser(user),
        organization: toOrganization(organization),
        csrfToken: reply.generateCsrf(),
        isSandbox: options.isSandbox,
      };
    };

    app.post(
      '/api/session',
      {
        config: {
          access: 'public',
          rateLimit: limitPerMinute(
            10,
            'Too many sign-in attempts for this address: wait a minute and try again.',
            // request.ip is the socket's address unless TRUST_PROXY names the proxies in front.
            (request) =>
              `${request.ip}:${signInKey((request.body as { email?: unknown } | undefined)?.email)}`,
          ),
        },
      },
      async (request, reply) => {
        const input = parseInput(signInRequestSchema, request.body);
        const waitSeconds = await backoff.secondsBlocked(input.email);
        if (waitSeconds > 0) {
          reply.header('retry-after', String(waitSeconds));
          throw new AppError(
            'rate_limited',
            'Too many failed sign-ins for this e-mail: wait a few minutes and try again.',
            { details: { retryAfterSeconds: waitSeconds } },
          );
        }
        const result = await signIn(db, input.email, input.password);
        if (result.outcome === 'refused') {
          await backoff.recordFailure(input.email);
          throw new AppError('invalid_credentials', 'E-mail or password is incorrect.');
        }
        await backoff.recordSuccess(input.email);
        // A new session at every sign-in (and the old one closed) defeats session fixation; so does a new
        // CSRF secret: a token read before signing in (or by someone else) is worthless afterwards.
        await closeSession(db, request.cookies[sessionCookieName]);
        delete request.cookies[csrfCookieName];
        const session = await openSession(db, result.user.id, options.sessionTtlHours);
        reply.setCookie(sessionCookieName, session.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: options.cookieSecure,
          expires: session.expiresAt,
        });
        return buildSession(result.user.id, result.user.organizationId, reply);
      },
    );

    signedIn.get('/api/session', async (principal, _request, reply) => {
      return buildSession(principal.userId, principal.organizationId, reply);
    });

    signedIn.delete('/api/session', async (_principal, request, reply) => {
      await closeSession(db, request.cookies[sessionCookieName]);
      reply.clearCookie(sessionCookieName, { path: '/' });
      reply.clearCookie(csrfCookieName, { path: '/' });
      return reply.status(204).send();
    });

    signedIn.patch('/api/me', async (principal, request) => {
      const input = parseInput(updateMyPreferencesRequestSchema, request.body);
      const user = await updateMyPreferences(db, principal, input);
      if (!user)
        throw new AppError('not_found', 'Your account no longer exists.', { reason: 'account_gone' });
      return toUser(user);
    });

    app.post(
      '/api/me/password',
      {
        config: {
          access: 'user',
          // A borrowed session must not become a way to guess the password.
          rateLimit: limitPerMinute(
            5,
            'Too many attempts to change the password: wait a minute and try again.',
          ),
        },
      },
      async (request, reply) => {
        const principal = getPrincipal(request);
        const input = parseInput(changePasswordRequestSchema, request.body);
        await changeOwnPassword(db, principal, input);
        return reply.status(204).send();
      },
    );

    signedIn.get('/api/organization', async (principal) =>
      organizationOrGone(await findOrganization(db, principal.organizationId)),
    );

    admin.patch('/api/organization', async (principal, request) => {
      const input = parseInput(updateOrganizationRequestSchema, request.body);
      return organizationOrGone(
        await editOrganization(db, principal.organizationId, principal.userId, input),
      );
    });

    admin.get('/api/users', async (principal) => {
      const rows = await listUsers(db, principal.organizationId);
      return { users: rows.map(toUser) };
    });

    admin.post('/api/users', async (principal, request, reply) => {
      const input = parseInput(createUserRequestSchema, request.body);
      const user = await createUser(db, principal.organizationId, principal.userId, input);
      await options.onUsersChanged?.(principal.organizationId);
      return reply.status(201).send(toUser(user));
    });

    admin.patch('/api/users/:id', async (principal, request) => {
      const { id } = parseInput(idParamsSchema, request.params);
      const changes = parseInput(updateUserRequestSchema, request.body);
      const user = await editUser(db, principal.organizationId, principal.userId, id, changes);
      if (changes.isActive !== undefined || changes.isLicensed !== undefined)
        await options.onUsersChanged?.(principal.organizationId);
      return toUser(user);
    });

    app.post(
      '/api/users/import',
      { config: { access: 'admin' }, bodyLimit: 4 * 1024 * 1024 },
      async (request) => {
        const principal = getPrincipal(request);
        const { csv } = parseInput(importUsersRequestSchema, request.body);
        const result = await importUsersCsv(db, principal.organizationId, principal.userId, csv);
        await options.onUsersChanged?.(principal.organizationId);
        return result;
      },
    );
  };
}
