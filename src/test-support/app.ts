import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { createOrganizationWithAdmin, createUser } from '../accounts/index.ts';
import { loadConfig } from '../config.ts';
import type { ZoomAppConfig } from '../connections/index.ts';
import type { Role as UserRole } from '../contract/index.ts';
import type { Database } from '../db/index.ts';
import { createLogger } from '../lib/logger.ts';
import { type Callport, type Role, startCallport } from '../main.ts';
import { createTestDatabase } from './database.ts';

export type TestApp = Callport & {
  /** Every log line the app wrote, as text: tests assert secrets never appear. */
  logs: string[];
  /** Creates an organisation with an admin; returns their ids and a signed-in client. */
  createOrganization(name?: string): Promise<{ organizationId: string; admin: TestClient }>;
  /** Creates a user in an organisation and signs them in. */
  createUserClient(organizationId: string, role: UserRole, email?: string): Promise<TestClient>;
  anonymous: TestClient;
};

export type TestClient = {
  email: string;
  userId: string;
  request(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
};

let counter = 0;
export const testPassword = 'correct horse battery staple';

/** Starts Callport in process on a fresh test database; requests go through Fastify's inject(). */
export async function startTestApp(
  options: {
    roles?: Role[];
    env?: Record<string, string>;
    database?: Database;
    zoomApp?: ZoomAppConfig;
    /** Listen on PORT for real HTTP (webhooks, browsers); requests still work through inject(). */
    listen?: boolean;
  } = {},
): Promise<TestApp> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    CALLPORT_DATA_DIR: dataDir,
    CALLPORT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...options.env,
  });
  const database = options.database ?? (await createTestDatabase());
  const callport = await startCallport(config, {
    roles: options.roles ?? ['web'],
    listen: options.listen ?? false,
    database,
    ...(options.zoomApp ? { zoomApp: options.zoomApp } : {}),
    logger: createLogger({ level: 'info', destination }),
  }).catch(async (error: unknown) => {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const server = callport.server!;

  const makeClient = (
    email: string,
    userId: string,
    cookies: Record<string, string>,
    csrfToken?: string,
  ) => ({
    email,
    userId,
    request: (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
      server.inject({
        method: method as 'GET',
        url,
        cookies,
        headers: { ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}), ...headers },
        ...(body === undefined
          ? {}
          : typeof body === 'string'
            ? { payload: body }
            : { payload: body as object }),
      }),
  });

  const signIn = async (email: string): Promise<TestClient> => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email, password: testPassword },
    });
    if (response.statusCode !== 200)
      throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
    const cookies = Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie.value]));
    const session = response.json() as { csrfToken: string; user: { id: string } };
    return makeClient(email, session.user.id, cookies, session.csrfToken);
  };

  return {
    ...callport,
    stop: async () => {
      await callport.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
    logs,
    anonymous: makeClient('', '', {}),
    async createOrganization(name = 'Test org') {
      const email = `admin${++counter}.${process.pid}@example.test`;
      const { organization } = await createOrganizationWithAdmin(callport.database.db, {
        organizationName: name,
        email,
        name: 'Admin',
        password: testPassword,
      });
      return { organizationId: organization.id, admin: await signIn(email) };
    },
    async createUserClient(organizationId, role, email = `user${++counter}.${process.pid}@example.test`) {
      await createUser(callport.database.db, organizationId, null, {
        email,
        name: email.split('@')[0]!,
        role,
        password: testPassword,
      });
      return signIn(email);
    },
  };
}
