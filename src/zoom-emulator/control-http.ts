/**
 * The admin API under `/_emulator/*`: JSON over HTTP for everything `emulator.control` does, so the CLI, a
 * browser test or another process can drive the emulator. No authentication: bind it to localhost.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorControl } from './control.ts';
import { SettingsValidationError } from './settings-routes.ts';
import { EmulatorInputError } from './state.ts';

type Body = Record<string, unknown>;

async function run(reply: FastifyReply, action: () => unknown) {
  try {
    const result = await action();
    return reply.send(result === undefined ? { ok: true } : result);
  } catch (error) {
    if (error instanceof SettingsValidationError) {
      return reply.status(400).send({ code: 300, message: 'Validation Failed.', errors: error.errors });
    }
    if (error instanceof EmulatorInputError)
      return reply.status(error.status).send({ error: error.message, details: error.details ?? null });
    throw error;
  }
}

function dates<T extends Body>(body: T, keys: string[]): T {
  const out: Body = { ...body };
  for (const key of keys) if (typeof out[key] === 'string') out[key] = new Date(out[key] as string);
  return out as T;
}

export function registerControlRoutes(app: FastifyInstance, control: EmulatorControl): void {
  const p = '/_emulator';
  const body = (request: { body: unknown }) => (request.body ?? {}) as Body;
  const param = (request: { params: unknown }, name: string) =>
    (request.params as Record<string, string>)[name] as string;

  app.get(`${p}/state`, async (_request, reply) =>
    run(reply, () => ({
      account: control.account(),
      now: control.now().toISOString(),
      apps: control.listApps(),
      users: control.listUsers().length,
      meetings: control.listMeetings().length,
      faults: control.getFaults(),
      network: control.getNetwork(),
      webhooks: control.getWebhooks(),
      pendingTasks: control.pendingTasks(),
    })),
  );

  app.get(`${p}/apps`, async (_request, reply) => run(reply, () => control.listApps()));
  app.post(`${p}/apps`, async (request, reply) =>
    run(reply, () => control.registerApp(body(request) as never)),
  );
  app.post(`${p}/apps/:clientId/install`, async (request, reply) =>
    run(reply, () =>
      control.installApp(param(request, 'clientId'), body(request).userEmail as string | undefined),
    ),
  );
  app.post(`${p}/apps/:clientId/validate-webhook`, async (request, reply) =>
    run(reply, () => control.validateWebhookEndpoint(param(request, 'clientId'))),
  );
  app.post(`${p}/apps/:clientId/revoke-tokens`, async (request, reply) =>
    run(reply, () => ({ revoked: control.revokeAllTokens(param(request, 'clientId')) })),
  );
  app.delete(`${p}/apps/:clientId/accounts/:accountId`, async (request, reply) =>
    run(reply, () => ({
      revoked: control.uninstallApp(param(request, 'clientId'), param(request, 'accountId')),
    })),
  );
  app.get(`${p}/tokens`, async (_request, reply) => run(reply, () => control.listAccessTokensIssued()));

  app.get(`${p}/users`, async (_request, reply) => run(reply, () => control.listUsers()));
  app.post(`${p}/users`, async (request, reply) =>
    run(reply, () => control.createUser(dates(body(request), ['createdAt', 'lastLoginAt']) as never)),
  );
  app.patch(`${p}/users/:user`, async (request, reply) =>
    run(reply, () => control.updateUser(param(request, 'user'), body(request))),
  );
  app.post(`${p}/users/:user/deactivate`, async (request, reply) =>
    run(reply, () => control.deactivateUser(param(request, 'user'))),
  );
  app.get(`${p}/users/:user/settings`, async (request, reply) =>
    run(reply, () => control.getUserSettings(param(request, 'user'))),
  );
  app.patch(`${p}/users/:user/settings`, async (request, reply) =>
    run(reply, () => control.updateUserSettings(param(request, 'user'), body(request) as never)),
  );

  app.get(`${p}/groups`, async (_request, reply) => run(reply, () => control.listGroups()));
  app.post(`${p}/groups`, async (request, reply) =>
    run(reply, () =>
      control.createGroup(
        body(request).name as string,
        (body(request).memberEmails as string[] | undefined) ?? [],
      ),
    ),
  );
  app.delete(`${p}/groups/:group/members/:user`, async (request, reply) =>
    run(reply, () => control.removeGroupMember(param(request, 'group'), param(request, 'user'))),
  );
  app.post(`${p}/groups/:group/members`, async (request, reply) =>
    run(reply, () =>
      control.addGroupMembers(param(request, 'group'), (body(request).members as string[] | undefined) ?? []),
    ),
  );
  app.get(`${p}/groups/:group/settings`, async (request, reply) =>
    run(reply, () => control.getGroupSettings(param(request, 'group'))),
  );
  app.patch(`${p}/groups/:group/settings`, async (request, reply) =>
    run(reply, () => control.updateGroupSettings(param(request, 'group'), body(request) as never)),
  );
  app.patch(`${p}/groups/:group/lock-settings`, async (request, reply) =>
    run(reply, () => control.updateGroupLockSettings(param(request, 'group'), body(request) as never)),
  );

  app.get(`${p}/account/settings`, async (_request, reply) => run(reply, () => control.getAccountSettings()));
  app.patch(`${p}/account/settings`, async (request, reply) =>
    run(reply, () => control.updateAccountSettings(body(request) as never)),
  );
  app.get(`${p}/account/lock-settings`, async (_request, reply) =>
    run(reply, () => control.getAccountLockSettings()),
  );
  app.patch(`${p}/account/lock-settings`, async (request, reply) =>
    run(reply, () => control.updateAccountLockSettings(body(request) as never)),
  );

  app.put(`${p}/users/:user/stops-recording`, async (request, reply) =>
    run(reply, () => control.setHostStopsRecording(param(request, 'user'), body(request).stops === true)),
  );
  app.post(`${p}/meetings`, async (request, reply) =>
    run(reply, () => control.simulateMeeting(dates(body(request), ['startTime']) as never)),
  );
  app.get(`${p}/meetings`, async (_request, reply) => run(reply, () => control.listMeetings()));
  // Instance UUIDs may contain '/': pass them URL-encoded, or as ?uuid= on the /by-uuid routes.
  app.get(`${p}/meetings/by-uuid`, async (request, reply) =>
    run(reply, () => control.getMeeting((request.query as Record<string, string>).uuid ?? '')),
  );
  app.get(`${p}/recordings/by-uuid`, async (request, reply) =>
    run(reply, async () => {
      const uuid = (request.query as Record<string, string>).uuid ?? '';
      const recording = await control.getRecording(uuid);
      if (!recording) throw new EmulatorInputError(`No recording for meeting instance ${uuid}`, 404);
      return recording;
    }),
  );
  app.post(`${p}/recordings/by-uuid/:action`, async (request, reply) =>
    run(reply, () => {
      const uuid = (request.query as Record<string, string>).uuid ?? '';
      const action = param(request, 'action');
      if (action === 'trash') return control.trashRecording(uuid);
      if (action === 'recover') return control.recoverRecording(uuid);
      if (action === 'delete') return control.deleteRecording(uuid);
      throw new EmulatorInputError(`Unknown action ${action} (trash, recover, delete)`);
    }),
  );

  app.get(`${p}/clock`, async (_request, reply) =>
    run(reply, () => ({ now: control.now().toISOString(), pending: control.pendingTasks() })),
  );
  app.post(`${p}/clock/advance`, async (request, reply) =>
    run(reply, async () => ({
      now: (await control.advanceClock(Number(body(request).seconds ?? 0))).toISOString(),
    })),
  );

  app.get(`${p}/network`, async (_request, reply) => run(reply, () => control.getNetwork()));
  // `{"profile":"zoom"}`, or numbers: `{"apiLatencyMs":300,"downloadBytesPerSecond":500000}`.
  app.put(`${p}/network`, async (request, reply) =>
    run(reply, () => {
      const { profile, ...numbers } = body(request);
      return control.setNetwork(typeof profile === 'string' ? (profile as never) : (numbers as never));
    }),
  );
  app.delete(`${p}/network`, async (_request, reply) => run(reply, () => control.setNetwork('off')));
  app.get(`${p}/faults`, async (_request, reply) => run(reply, () => control.getFaults()));
  app.put(`${p}/faults`, async (request, reply) => run(reply, () => control.setFaults(body(request))));
  app.delete(`${p}/faults`, async (_request, reply) => run(reply, () => control.resetFaults()));
  app.put(`${p}/rate-limits`, async (request, reply) =>
    run(reply, () => control.setRateLimits(body(request))),
  );

  app.get(`${p}/webhooks`, async (_request, reply) => run(reply, () => control.getWebhooks()));
  app.put(`${p}/webhooks`, async (request, reply) => run(reply, () => control.setWebhooks(body(request))));
  app.get(`${p}/webhooks/log`, async (_request, reply) => run(reply, () => control.webhookLog()));
  app.post(`${p}/webhooks/deliver`, async (_request, reply) =>
    run(reply, () => control.deliverPendingWebhooks()),
  );
  app.post(`${p}/webhooks/flush`, async (_request, reply) => run(reply, () => control.flushWebhooks()));

  app.get(`${p}/requests`, async (_request, reply) => run(reply, () => control.requestLog()));
  app.get(`${p}/requests/counts`, async (_request, reply) => run(reply, () => control.requestCounts()));
  app.delete(`${p}/requests`, async (_request, reply) => run(reply, () => control.clearRequestLog()));
}
