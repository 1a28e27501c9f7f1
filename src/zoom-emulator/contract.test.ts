/**
 * Contract tests: every response the emulator serves for an endpoint of Zoom's published OpenAPI specs
 * (`docs/zoom/openapi/{accounts,users,meetings}.json`, kept unchanged in the repository) validates against that
 * endpoint's response schema
 * in each spec that has the endpoint.
 *
 * The specs are OpenAPI 3.0; the schemas are converted for Ajv (JSON Schema draft-07) as follows, and each
 * exemption below is deliberate:
 * 1. `nullable: true` → the type also allows `null` (OpenAPI 3.0 semantics). `$ref`s are inlined.
 * 2. `oneOf` → `anyOf`. The specs use `oneOf` for alternative shapes that are not mutually exclusive (no
 *    `required`, no `additionalProperties: false`; e.g. GET /accounts/{accountId}/settings offers "Account
 *    settings", an untyped "Account Authentication Settings", "Meeting or Webinar Security Account Settings"
 *    and "Video SDK Account Settings"): any object matches several branches, so `oneOf` would reject every
 *    valid response. Where `option` selects a branch we additionally check the response against the branch
 *    whose properties it uses (see `settingsBranch`).
 * 3. A `type: "string"` whose `enum` lists integers (the recording meeting `type`, "enum":[1,2,…,99]) also
 *    accepts integers: Zoom sends the integer (docs/zoom-platform.md §2.3: the 2024 spec declares a string
 *    enum, examples and webhooks send an integer).
 * 4. Recording files: `file_type` also accepts `TIMELINE` and `status` also accepts `processing`. The spec's
 *    enums list neither, but Zoom sends both (docs/zoom-platform.md §2.3: TIMELINE files in captures of real
 *    answers; `status` other than `completed` met by ingesters [S17]; §7 "Files still processing").
 * 5. A video still processing is listed with `file_type: ""`, `recording_end: ""` and no `recording_type`
 *    (docs/zoom-platform.md §2.3): `file_type` also accepts `""`, `recording_end` an empty string.
 * 6. Unknown formats (`int64`, `int32`, `double`, `float`, `binary`) are accepted; `date-time`, `date` and
 *    `email` are checked by ajv-formats.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZoomEmulator } from './index.ts';
import { sandboxRecurringMeetingId, sandboxTrickyUuids } from './scenarios.ts';
import { api, type Json, startTestEmulator, testApp } from './test-helpers.ts';

const specDir = new URL('../../docs/zoom/openapi/', import.meta.url);
const specNames = ['accounts', 'users', 'meetings'] as const;

type Spec = { paths: Record<string, Record<string, Json>>; components?: Json };

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function resolveRef(spec: Spec, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  let node: Json = spec;
  for (const part of ref.slice(2).split('/')) node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

/** OpenAPI 3.0 schema → draft-07 schema Ajv accepts, applying the documented exemptions. */
function convert(spec: Spec, schema: Json, seen: string[] = []): Json {
  if (Array.isArray(schema)) return schema.map((item) => convert(spec, item, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') {
    if (seen.includes(schema.$ref)) return {};
    return convert(spec, resolveRef(spec, schema.$ref), [...seen, schema.$ref]);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (
      key === 'example' ||
      key === 'examples' ||
      key.startsWith('x-') ||
      key === 'nullable' ||
      key === 'deprecated' ||
      key === 'xml'
    )
      continue;
    if (key === 'oneOf') out.anyOf = convert(spec, value, seen);
    else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Json).map(([name, sub]) => {
          const converted = convert(spec, sub, seen);
          // Exemption 4 (see the header).
          if (name === 'file_type' && Array.isArray(converted.enum) && converted.enum.includes('MP4')) {
            converted.enum = [...converted.enum, 'TIMELINE', ''];
          }
          // Exemption 5.
          if (name === 'recording_end' && converted.format === 'date-time') {
            return [name, { anyOf: [converted, { type: 'string', maxLength: 0 }] }];
          }
          if (
            name === 'status' &&
            Array.isArray(converted.enum) &&
            converted.enum.length === 1 &&
            converted.enum[0] === 'completed'
          ) {
            converted.enum = ['completed', 'processing'];
          }
          return [name, converted];
        }),
      );
    } else out[key] = convert(spec, value, seen);
  }
  if (
    schema.type === 'string' &&
    Array.isArray(schema.enum) &&
    schema.enum.some((v: unknown) => typeof v === 'number')
  ) {
    out.type = ['string', 'integer'];
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/** Read at load time: a missing spec fails the whole file (the specs are part of the repository). */
const specs = new Map<string, Spec>(
  specNames.map((name) => [name, JSON.parse(readFileSync(new URL(`${name}.json`, specDir), 'utf8')) as Spec]),
);
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
for (const format of ['int64', 'int32', 'double', 'float', 'binary', 'byte', 'password'])
  ajv.addFormat(format, true);
const validators = new Map<string, ValidateFunction>();

function responseSchema(specName: string, method: string, path: string, status: number): Json | null {
  const spec = specs.get(specName) as Spec;
  const operation = spec.paths[path]?.[method.toLowerCase()];
  const content = operation?.responses?.[String(status)]?.content;
  const schema =
    content?.['application/json']?.schema ?? content?.['application/json; charset=utf-8']?.schema;
  return schema ? convert(spec, schema) : null;
}

/** Validates a body against the endpoint's response schema in every spec that defines it. */
function validateAgainstSpecs(
  method: string,
  path: string,
  status: number,
  body: unknown,
): { checked: string[]; errors: string[] } {
  const checked: string[] = [];
  const errors: string[] = [];
  for (const name of specNames) {
    const key = `${name} ${method} ${path} ${status}`;
    let validate = validators.get(key);
    if (!validate) {
      const schema = responseSchema(name, method, path, status);
      if (!schema) continue;
      validate = ajv.compile(schema);
      validators.set(key, validate);
    }
    checked.push(name);
    if (!validate(body)) errors.push(`${key}: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}`);
  }
  return { checked, errors };
}

/** For `option` views: the oneOf branch whose top-level properties the response uses. */
function settingsBranch(
  specName: string,
  method: string,
  path: string,
  body: Json,
): { title: string; ok: boolean; errors: string } | null {
  const spec = specs.get(specName) as Spec;
  const schema = spec.paths[path]?.[method]?.responses?.['200']?.content?.['application/json']?.schema;
  if (!schema?.oneOf) return null;
  const keys = Object.keys(body);
  const branch = (schema.oneOf as Json[]).find((candidate) => {
    const props = Object.keys(convert(spec, candidate).properties ?? {});
    return props.length > 0 && keys.every((key) => props.includes(key));
  });
  if (!branch) return null;
  const validate = ajv.compile(convert(spec, branch));
  return {
    title: branch.title ?? '(untitled)',
    ok: validate(body) as boolean,
    errors: ajv.errorsText(validate.errors),
  };
}

describe('Contract: emulator responses validate against Zoom’s OpenAPI specs', () => {
  let emulator: ZoomEmulator;
  let token: string;
  let groupId: string;
  const coverage = new Map<string, string[]>();

  beforeAll(async () => {
    emulator = await startTestEmulator({ scenario: 'sandbox' });
    token = emulator.control.installApp(testApp.clientId).access_token;
    groupId = emulator.control.createGroup('Contract group', [
      'emma.dubois@acme.example',
      'hugo.thomas@acme.example',
    ]).id;
    emulator.control.simulateMeeting({
      hostEmail: 'emma.dubois@acme.example',
      topic: 'Contract CC',
      durationMinutes: 5,
      cloudRecordingManual: true,
      closedCaptions: true,
      chat: [{ sender: 'Emma Dubois', text: 'hi' }],
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(300);
    token = emulator.control.installApp(testApp.clientId).access_token;
  });
  afterAll(() => emulator?.close());

  const uuidPath = (uuid: string) => encodeURIComponent(encodeURIComponent(uuid));
  const daysAgo = (days: number) =>
    new Date(emulator.control.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
  /** A sandbox meeting with a guest (reports list meetings of two or more people). */
  const withGuest = () => {
    const meeting = emulator.control.listMeetings().find((m) => m.participants.length > 0);
    if (!meeting) throw new Error('the sandbox has no meeting with participants');
    return meeting.uuid;
  };
  type Case = {
    name: string;
    method: 'GET' | 'POST';
    path: string;
    url: () => string;
    body?: () => unknown;
    status: number;
  };
  /** A read Zoom answers 200; a creation Zoom answers 201. */
  const get = (name: string, path: string, url: () => string): Case => ({
    name,
    method: 'GET',
    path,
    url,
    status: 200,
  });
  /** One read of `url` for each query, named `${name} ${label}`. */
  const queries = (name: string, path: string, url: string, byLabel: Record<string, string>): Case[] =>
    Object.entries(byLabel).map(([label, query]) => get(`${name} ${label}`, path, () => `${url}?${query}`));
  const post = (name: string, path: string, url: () => string, body: () => unknown): Case => ({
    name,
    method: 'POST',
    path,
    url,
    body,
    status: 201,
  });
  const cases: Case[] = [
    get('me', '/users/{userId}', () => '/users/me'),
    get('user by email', '/users/{userId}', () => '/users/jules.richard@acme.example'),
    get('users (active)', '/users', () => '/users?page_size=5'),
    get('users (pending, no id)', '/users', () => '/users?status=pending'),
    get('users (inactive)', '/users', () => '/users?status=inactive&page_number=1'),
    get('email check', '/users/email', () => '/users/email?email=emma.dubois@acme.example'),
    get('permissions', '/users/{userId}/permissions', () => '/users/me/permissions'),
    get('user settings', '/users/{userId}/settings', () => '/users/emma.dubois@acme.example/settings'),
    ...queries('user settings', '/users/{userId}/settings', '/users/me/settings', {
      filtered: 'custom_query_fields=auto_recording',
      meeting_authentication: 'option=meeting_authentication',
      meeting_security: 'option=meeting_security',
    }),
    get('account settings', '/accounts/{accountId}/settings', () => '/accounts/me/settings'),
    ...queries('account settings', '/accounts/{accountId}/settings', '/accounts/me/settings', {
      security: 'option=security',
      recording_authentication: 'option=recording_authentication',
      meeting_security: 'option=meeting_security',
      filtered: 'custom_query_fields=auto_recording,host_video',
    }),
    get('account lock settings', '/accounts/{accountId}/lock_settings', () => '/accounts/me/lock_settings'),
    get('groups', '/groups', () => '/groups'),
    post(
      'create group',
      '/groups',
      () => '/groups',
      () => ({ name: `Contract ${Date.now()}` }),
    ),
    get('group', '/groups/{groupId}', () => `/groups/${groupId}`),
    get('group members', '/groups/{groupId}/members', () => `/groups/${groupId}/members`),
    post(
      'add group members',
      '/groups/{groupId}/members',
      () => `/groups/${groupId}/members`,
      () => ({ members: [{ email: 'lea.robert@acme.example' }] }),
    ),
    get('group settings', '/groups/{groupId}/settings', () => `/groups/${groupId}/settings`),
    get('group lock settings', '/groups/{groupId}/lock_settings', () => `/groups/${groupId}/lock_settings`),
    get('roles', '/roles', () => '/roles'),
    get(
      'user recordings',
      '/users/{userId}/recordings',
      () => '/users/emma.dubois@acme.example/recordings?from=2026-02-10&to=2026-03-10',
    ),
    get(
      'user recordings (segments)',
      '/users/{userId}/recordings',
      () => '/users/camille.martin@acme.example/recordings?from=2026-02-10&to=2026-03-10',
    ),
    get(
      'meeting recordings by uuid',
      '/meetings/{meetingId}/recordings',
      () => `/meetings/${uuidPath(sandboxTrickyUuids.leadingSlash)}/recordings`,
    ),
    get(
      'meeting recordings by id with download_access_token',
      '/meetings/{meetingId}/recordings',
      () => `/meetings/${sandboxRecurringMeetingId}/recordings?include_fields=download_access_token`,
    ),
    get(
      'past meeting instances',
      '/past_meetings/{meetingId}/instances',
      () => `/past_meetings/${sandboxRecurringMeetingId}/instances`,
    ),
    get(
      'meeting reports of a user (meetings held, recorded or not)',
      '/report/users/{userId}/meetings',
      () => `/report/users/emma.dubois@acme.example/meetings?from=${daysAgo(28)}&to=${daysAgo(0)}`,
    ),
    get(
      'participants report',
      '/report/meetings/{meetingId}/participants',
      () => `/report/meetings/${uuidPath(withGuest())}/participants`,
    ),
    get('past meeting', '/past_meetings/{meetingId}', () => `/past_meetings/${uuidPath(withGuest())}`),
    get(
      'past meeting participants',
      '/past_meetings/{meetingId}/participants',
      () => `/past_meetings/${uuidPath(withGuest())}/participants`,
    ),
  ];

  for (const testCase of cases) {
    it(`${testCase.method} ${testCase.path} — ${testCase.name}`, async () => {
      const body = testCase.body?.();
      const response = await api(emulator, token, testCase.url(), {
        method: testCase.method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(response.status).toBe(testCase.status);
      const { checked, errors } = validateAgainstSpecs(
        testCase.method,
        testCase.path,
        testCase.status,
        response.body,
      );
      expect(
        checked.length,
        `no spec defines ${testCase.method} ${testCase.path} ${testCase.status}`,
      ).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      coverage.set(`${testCase.method} ${testCase.path}`, checked);
      for (const specName of checked) {
        const branch = settingsBranch(specName, testCase.method.toLowerCase(), testCase.path, response.body);
        if (branch) expect(branch.ok, `${specName} branch "${branch.title}": ${branch.errors}`).toBe(true);
      }
    });
  }

  it('a trash listing validates too', async () => {
    emulator.control.trashRecording(sandboxTrickyUuids.slashAndPlus);
    const response = await api(emulator, token, '/users/emma.dubois@acme.example/recordings?trash=true');
    expect(response.body.meetings.length).toBeGreaterThan(0);
    expect(validateAgainstSpecs('GET', '/users/{userId}/recordings', 200, response.body).errors).toEqual([]);
  });

  it('the validator is not vacuous: a wrong shape fails', () => {
    const { checked, errors } = validateAgainstSpecs('GET', '/users', 200, {
      users: [{ email: 42 }],
      total_records: 'many',
    });
    expect(checked.length).toBeGreaterThan(0);
    expect(errors.length).toBe(checked.length);
    expect(
      validateAgainstSpecs('GET', '/users/{userId}/recordings', 200, {
        meetings: [{ recording_files: [{ file_size: 'big' }] }],
      }).errors.length,
    ).toBeGreaterThan(0);
  });
});
