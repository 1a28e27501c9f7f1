/**
 * Starting states: `sandbox` (the Acme SAS account that `npm start` shows, settings deliberately off the
 * guide's policy, a few weeks of recordings) and `empty` (an account and its owner, for tests).
 */

import { simulateMeeting } from './recordings.ts';
import {
  boardPreparation,
  discoveryGlobex,
  pipelineReview,
  supportEscalation,
} from './sandbox-transcripts.ts';
import { deepMerge, defaultAccountSettings, defaultLockSettings } from './settings.ts';
import type { EmulatorAppRegistration, EmulatorContext } from './state.ts';
import { builtInRoles, type CreateUserInput, createUser } from './users.ts';

export type ScenarioName = 'sandbox' | 'empty';
export const scenarioNames: ScenarioName[] = ['sandbox', 'empty'];

export const sandboxAccountId = 'acme-sandbox-account';

/** Read and write on the account's users, settings, groups and recordings, as an account admin. */
export const readWriteAdminScopes = [
  'user:read:admin',
  'user:write:admin',
  'account:read:admin',
  'account:write:admin',
  'group:read:admin',
  'group:write:admin',
  'recording:read:admin',
  'recording:write:admin',
];

/** The General app the CLI registers when none is given (match Callport's sandbox configuration to it). */
export const defaultSandboxApp: EmulatorAppRegistration = {
  clientId: 'callport-sandbox-client',
  clientSecret: 'callport-sandbox-secret',
  redirectUris: [
    'http://localhost:3000/api/integrations/zoom/callback',
    'http://127.0.0.1:3000/api/integrations/zoom/callback',
  ],
  scopes: [
    'user:read:admin',
    'account:read:admin',
    'account:write:admin',
    'group:read:admin',
    'group:write:admin',
    'recording:read:admin',
    'meeting:read:admin',
    'report:read:admin',
    // Optional: AI Companion's meeting summaries (docs/zoom-platform.md §2.6).
    'meeting_summary:read:admin',
  ],
  webhookUrl: 'http://localhost:3000/webhooks/zoom',
  webhookSecretToken: 'callport-sandbox-webhook-secret',
  type: 'general',
};

/**
 * The sandbox's Server-to-Server OAuth app (`grant_type=account_credentials&account_id=acme-sandbox-account`,
 * Basic auth with these credentials): an account-owner token for any client that needs no consent flow.
 * No webhook URL: it receives no events unless one is set through `/_emulator/apps`.
 */
export const sandboxServerToServerApp: EmulatorAppRegistration = {
  clientId: 'callport-sandbox-s2s-client',
  clientSecret: 'callport-sandbox-s2s-secret',
  redirectUris: [],
  scopes: [
    ...readWriteAdminScopes,
    'meeting:read:admin',
    'report:read:admin',
    // Optional: AI Companion's meeting summaries (docs/zoom-platform.md §2.6).
    'meeting_summary:read:admin',
  ],
  webhookSecretToken: 'callport-sandbox-s2s-webhook-secret',
  type: 'server_to_server',
  accountId: sandboxAccountId,
};

function setupAccount(
  ctx: EmulatorContext,
  input: { id: string; name: string; owner: CreateUserInput },
): void {
  ctx.state.roles.splice(
    0,
    ctx.state.roles.length,
    ...builtInRoles.map((role) => ({ ...role, permissions: [...role.permissions] })),
  );
  ctx.state.account = {
    id: input.id,
    name: input.name,
    accountNumber: ctx.ids.int(100_000_000, 999_999_999),
    plan: 'business',
    ownerId: '',
    settings: defaultAccountSettings(),
    locks: defaultLockSettings(),
    createdAt: ctx.clock.now() - 400 * 86_400_000,
  };
  const owner = createUser(ctx, { ...input.owner, roleId: '0' }, { silent: true });
  ctx.state.account.ownerId = owner.id;
}

/** `empty`: one Business account with its owner only. */
export function applyEmptyScenario(ctx: EmulatorContext): void {
  setupAccount(ctx, {
    id: 'emulator-account',
    name: 'Emulator Test Account',
    owner: { email: 'owner@example.test', firstName: 'Olivia', lastName: 'Owner', type: 2 },
  });
}

const sandboxUsers: (CreateUserInput & { note?: string })[] = [
  { firstName: 'Louis', lastName: 'Bernard', email: 'louis.bernard@acme.example', roleId: '1', type: 2 },
  { firstName: 'Emma', lastName: 'Dubois', email: 'emma.dubois@acme.example', type: 2, dept: 'Sales' },
  { firstName: 'Hugo', lastName: 'Thomas', email: 'hugo.thomas@acme.example', type: 2, dept: 'Sales' },
  { firstName: 'Léa', lastName: 'Robert', email: 'lea.robert@acme.example', type: 2, dept: 'Sales' },
  // Callport knows this person as jules.richard@acme.example: the emails differ only by case.
  { firstName: 'Jules', lastName: 'Richard', email: 'Jules.Richard@Acme.example', type: 2, dept: 'Sales' },
  { firstName: 'Chloé', lastName: 'Petit', email: 'chloe.petit@acme.example', type: 2, dept: 'Sales' },
  { firstName: 'Nathan', lastName: 'Durand', email: 'nathan.durand@acme.example', type: 2, dept: 'Support' },
  { firstName: 'Manon', lastName: 'Leroy', email: 'manon.leroy@acme.example', type: 2, dept: 'Marketing' },
  { firstName: 'Théo', lastName: 'Laurent', email: 'theo.laurent@acme.example', type: 1, dept: 'Sales' },
  {
    firstName: 'Lucas',
    lastName: 'Moreau',
    email: 'lucas.moreau@acme.example',
    type: 2,
    status: 'inactive',
    dept: 'Sales',
  },
  {
    firstName: 'Inès',
    lastName: 'Simon',
    email: 'ines.simon@acme.example',
    type: 2,
    status: 'pending',
    dept: 'Sales',
  },
];

/** UUIDs that exercise Zoom's encoding rules (docs/zoom-platform.md §2.1): a leading `/` with `//` and `+`, and `/` and `+` inside. */
export const sandboxTrickyUuids = {
  leadingSlash: '/Xq9+tW2Rk6Jb//k3mFv0w==',
  slashAndPlus: 'hR4+Yz/9TmqXe1Lw0bKf2A==',
};
export const sandboxRecurringMeetingId = 85_012_345_678;

/** `sandbox`: Acme SAS, twelve people, settings off the guide's policy, a few weeks of recordings. */
export function applySandboxScenario(ctx: EmulatorContext): void {
  const now = ctx.clock.now();
  const yearAgo = new Date(now - 365 * 86_400_000);
  setupAccount(ctx, {
    id: sandboxAccountId,
    name: 'Acme SAS',
    owner: {
      firstName: 'Camille',
      lastName: 'Martin',
      email: 'camille.martin@acme.example',
      type: 2,
      createdAt: yearAgo,
      dept: 'Management',
    },
  });
  sandboxUsers.forEach((input, index) => {
    createUser(
      ctx,
      {
        ...input,
        createdAt: new Date(yearAgo.getTime() + (index + 1) * 86_400_000),
        lastLoginAt: input.status === 'pending' ? null : new Date(now - (index + 1) * 3_600_000),
      },
      { silent: true },
    );
  });
  // Off the guide's policy on purpose, so the sandbox has something to fix (no locks anywhere).
  ctx.state.account.settings = deepMerge(ctx.state.account.settings, {
    recording: {
      cloud_recording: true,
      auto_recording: 'none',
      record_speaker_view: false,
      display_participant_name: false,
      recording_thumbnails: false,
      recording_disclaimer: false,
      ask_participants_to_consent_disclaimer: false,
      host_pause_stop_recording: false,
      auto_delete_cmr: false,
      // Acme's admin turned audio transcripts on long ago: the sandbox's past calls have transcripts.
      recording_audio_transcript: true,
    },
    email_notification: { cloud_recording_available_reminder: true },
    security: { sign_again_period_for_inactivity_on_web: 0, sign_again_period_for_inactivity_on_client: 0 },
  });
}

/** The sandbox's past meetings; run after the apps are registered. */
export function seedSandboxMeetings(ctx: EmulatorContext): void {
  const now = ctx.clock.now();
  const at = (daysAgo: number, hourUtc: number, minute = 0) => {
    const day = new Date(now - daysAgo * 86_400_000);
    return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hourUtc, minute));
  };
  const silent = { silent: true };
  const paul = { name: 'Paul Girard', email: 'paul.girard@globex.example' };
  simulateMeeting(
    ctx,
    {
      hostEmail: 'emma.dubois@acme.example',
      topic: 'Discovery call: Globex',
      startTime: at(21, 9),
      durationMinutes: 32,
      participants: [paul],
      transcript: discoveryGlobex,
      cloudRecordingManual: true,
      // Emma has AI Companion's meeting summary on (in the call's language, as Zoom writes it).
      summary: {
        title: 'Résumé de la réunion : Discovery call: Globex',
        overview:
          'Emma Dubois a présenté Callport à Paul Girard (Globex), dont l’équipe commerciale de quarante personnes ne peut pas réécouter ses appels.',
        details: [
          {
            label: 'Besoins de Globex',
            summary:
              'Retrouver ce que les clients disent du budget pendant la négociation, et éviter aux managers de demander des comptes rendus.',
          },
          {
            label: 'Sécurité des données',
            summary:
              'Paul a demandé où restent les enregistrements ; Emma a expliqué qu’ils restent chez le client, avec une durée de conservation par organisation.',
          },
          {
            label: 'Pilote et calendrier',
            summary: 'Deux semaines de pilote avec l’équipe de Lyon, puis une décision en mars.',
          },
        ],
        nextSteps: [
          'Emma Dubois enverra la proposition tarifaire demain matin.',
          'Paul Girard présentera la proposition au comité.',
        ],
      },
    },
    silent,
  );
  for (const [daysAgo, week] of [
    [14, 1],
    [7, 2],
  ] as const) {
    simulateMeeting(
      ctx,
      {
        hostEmail: 'hugo.thomas@acme.example',
        topic: 'Weekly pipeline review',
        startTime: at(daysAgo, 8),
        durationMinutes: 45,
        transcript: pipelineReview(week),
        meetingId: sandboxRecurringMeetingId,
        type: 8,
        cloudRecordingManual: true,
      },
      silent,
    );
  }
  // Stopped and restarted: two segments under one uuid.
  simulateMeeting(
    ctx,
    {
      hostEmail: 'camille.martin@acme.example',
      topic: 'Board preparation',
      startTime: at(10, 14),
      durationMinutes: 60,
      transcript: boardPreparation,
      segments: [
        { startMinute: 0, endMinute: 20 },
        { startMinute: 35, endMinute: 60 },
      ],
      cloudRecordingManual: true,
    },
    silent,
  );
  simulateMeeting(
    ctx,
    {
      hostEmail: 'nathan.durand@acme.example',
      topic: 'Support escalation: Initech',
      startTime: at(5, 13, 30),
      durationMinutes: 25,
      transcript: supportEscalation,
      uuid: sandboxTrickyUuids.leadingSlash,
      cloudRecordingManual: true,
      summary: {
        title: 'Meeting summary for Support escalation: Initech',
        overview:
          'Nathan Durand and Peter Gibbons looked into why Initech’s imports stopped after an update.',
        details: [
          {
            label: 'Cause of the stopped imports',
            summary: 'The account shows a reconnect warning: Initech’s Zoom authorisation expired.',
          },
          {
            label: 'Fix',
            summary:
              'An admin clicks Reconnect on the integrations page; the missed recordings are then imported.',
          },
        ],
        nextSteps: ['Peter Gibbons will ask Initech’s admin to reconnect Zoom.'],
      },
      chat: [
        { sender: 'Nathan Durand', text: 'Sharing the ticket link now.' },
        { sender: 'Peter Gibbons', text: 'Thanks, got it.' },
      ],
    },
    silent,
  );
  simulateMeeting(
    ctx,
    {
      hostEmail: 'emma.dubois@acme.example',
      topic: 'Demo: Initech',
      startTime: at(3, 15),
      durationMinutes: 40,
      uuid: sandboxTrickyUuids.slashAndPlus,
      participants: [{ name: 'Peter Gibbons', email: 'peter.gibbons@initech.example' }],
      cloudRecordingManual: true,
    },
    silent,
  );
  // Not recorded: auto_recording is "none" and nobody pressed Record.
  simulateMeeting(
    ctx,
    {
      hostEmail: 'chloe.petit@acme.example',
      topic: 'Intro call: Umbrella',
      startTime: at(4, 10),
      durationMinutes: 20,
    },
    silent,
  );
  // Still processing: ended 10 minutes ago, files complete in an hour (then recording.completed is sent).
  simulateMeeting(ctx, {
    hostEmail: 'emma.dubois@acme.example',
    topic: 'Follow-up: Globex',
    startTime: new Date(now - 40 * 60_000),
    durationMinutes: 30,
    participants: [paul],
    cloudRecordingManual: true,
    processingSeconds: 3600,
  });
}
