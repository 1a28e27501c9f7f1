import {
  autoAssociateResultSchema,
  type ChangePasswordRequest,
  type CoverageSettings,
  type CreateShareRequest,
  type CreateUserRequest,
  callDetailSchema,
  callListSchema,
  callTranscriptSearchSchema,
  colleaguesSchema,
  commentSchema,
  coverageSettingsSchema,
  coverageViewSchema,
  diagnosisSchema,
  type ErasePersonRequest,
  erasePersonResultSchema,
  errorResponseSchema,
  highlightSchema,
  type ImportUsersResult,
  importsOverviewSchema,
  importUsersResultSchema,
  type Language,
  type Message,
  type Organization,
  organizationSchema,
  type PrivacySettings,
  privacySettingsSchema,
  recordingPolicySchema,
  type SaveLinksRequest,
  type Session,
  type SignInRequest,
  sessionSchema,
  sharedCallSchema,
  shareSchema,
  sharesListSchema,
  sharingSettingsSchema,
  teamSchema,
  teamsListSchema,
  type UpdateUserRequest,
  type User,
  userMappingSchema,
  userSchema,
  usersListSchema,
  type ZoomIntegration,
  zoomIntegrationSchema,
} from '@contract/index.ts';
import type { z } from 'zod';

/** Client-side codes, in addition to the server's own (`invalid_credentials`, `forbidden`, …). */
export type ClientErrorCode = 'network_error' | 'invalid_response';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, from `Retry-After` on 429 answers. */
    readonly retryAfter: number | null = null,
    options?: ErrorOptions & { reason?: Message },
  ) {
    super(message, options);
    this.reason = options?.reason;
  }
  /** What the server says happened, as a message code (translated by describeError). */
  readonly reason: Message | undefined;
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The token from the current session, sent as `x-csrf-token` on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request other than the session probe answers 401 (session expired or revoked). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  /** When false, a 401 does not trigger the global sign-out (the sign-in and session probe calls). */
  notifyUnauthenticated?: boolean;
  /** Aborts the request (a page left, a query superseded): the fetch's own AbortError is rethrown as is. */
  signal?: AbortSignal | undefined;
}

function parseRetryAfter(response: Response): number | null {
  const header = response.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function request<S extends z.ZodType | null>(
  method: Method,
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<S extends z.ZodType ? z.infer<S> : undefined> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': document.documentElement.lang || 'en',
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    // Not a network failure: whoever aborted it (TanStack Query, on unmount) expects the abort itself.
    if (options.signal?.aborted) throw cause;
    throw new ApiError(0, 'network_error', `${method} ${path} failed: ${String(cause)}`, null, { cause });
  }

  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError(0, 'network_error', `${method} ${path} failed: ${String(cause)}`, null, { cause });
  }
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new ApiError(
        response.status,
        response.ok ? 'invalid_response' : 'unknown',
        `${method} ${path} answered ${response.status} with a body that is not JSON`,
        null,
        { cause },
      );
    }
  }

  if (!response.ok) {
    const parsed = errorResponseSchema.safeParse(json);
    const error = parsed.success
      ? new ApiError(
          response.status,
          parsed.data.error.code,
          parsed.data.error.message,
          parseRetryAfter(response),
          parsed.data.error.reason
            ? { reason: { code: parsed.data.error.reason, params: parsed.data.error.params } }
            : undefined,
        )
      : new ApiError(response.status, 'unknown', `${method} ${path} answered ${response.status}`);
    if (response.status === 401 && options.notifyUnauthenticated !== false) onUnauthenticated?.();
    throw error;
  }

  if (schema === null) return undefined as S extends z.ZodType ? z.infer<S> : undefined;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'invalid_response',
      `${method} ${path}: unexpected response shape: ${parsed.error.message}`,
      null,
      { cause: parsed.error },
    );
  }
  return parsed.data as S extends z.ZodType ? z.infer<S> : undefined;
}

export const api = {
  /** Resolves to `null` when nobody is signed in. */
  async getSession(signal?: AbortSignal): Promise<Session | null> {
    try {
      return await request('GET', '/api/session', sessionSchema, { notifyUnauthenticated: false, signal });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  signIn: (body: SignInRequest): Promise<Session> =>
    request('POST', '/api/session', sessionSchema, { body, notifyUnauthenticated: false }),
  signOut: (): Promise<undefined> =>
    request('DELETE', '/api/session', null, { notifyUnauthenticated: false }),
  updateMyLanguage: (language: Language): Promise<User> =>
    request('PATCH', '/api/me', userSchema, { body: { language } }),
  changePassword: (body: ChangePasswordRequest): Promise<undefined> =>
    request('POST', '/api/me/password', null, { body }),

  listUsers: async (signal?: AbortSignal): Promise<User[]> =>
    (await request('GET', '/api/users', usersListSchema, { signal })).users,
  createUser: (body: CreateUserRequest): Promise<User> => request('POST', '/api/users', userSchema, { body }),
  updateUser: (id: string, body: UpdateUserRequest): Promise<User> =>
    request('PATCH', `/api/users/${encodeURIComponent(id)}`, userSchema, { body }),
  importUsers: (csv: string): Promise<ImportUsersResult> =>
    request('POST', '/api/users/import', importUsersResultSchema, { body: { csv } }),

  checkZoom: () => request('POST', '/api/integrations/zoom/check', null),
  disconnectZoom: () => request('POST', '/api/integrations/zoom/disconnect', null),
  updateZoom: (body: { uninstallDataPolicy?: 'keep' | 'delete'; uninstallDeleteAfterDays?: number }) =>
    request('PATCH', '/api/integrations/zoom', null, { body }),
  getZoomIntegration: (signal?: AbortSignal): Promise<ZoomIntegration> =>
    request('GET', '/api/integrations/zoom', zoomIntegrationSchema, { signal }),

  /** `query`: the library's filters as they stand in the page's URL (q, userId, sort, cursor…). */
  listCalls: (query: Record<string, string>, signal?: AbortSignal) => {
    const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value));
    return request('GET', `/api/calls?${params}`, callListSchema, { signal });
  },
  getCall: (id: string, signal?: AbortSignal) =>
    request('GET', `/api/calls/${encodeURIComponent(id)}`, callDetailSchema, { signal }),
  addHighlight: (id: string, body: { title: string; startMs: number; endMs: number }) =>
    request('POST', `/api/calls/${encodeURIComponent(id)}/highlights`, highlightSchema, { body }),
  addComment: (id: string, body: { atMs: number; body: string }) =>
    request('POST', `/api/calls/${encodeURIComponent(id)}/comments`, commentSchema, { body }),
  listShares: async (id: string, signal?: AbortSignal) =>
    (await request('GET', `/api/calls/${encodeURIComponent(id)}/shares`, sharesListSchema, { signal }))
      .shares,
  shareCall: (id: string, body: CreateShareRequest) =>
    request('POST', `/api/calls/${encodeURIComponent(id)}/shares`, shareSchema, { body }),
  revokeShare: (id: string, shareId: string) =>
    request('DELETE', `/api/calls/${encodeURIComponent(id)}/shares/${encodeURIComponent(shareId)}`, null),
  listColleagues: async (signal?: AbortSignal) =>
    (await request('GET', '/api/colleagues', colleaguesSchema, { signal })).colleagues,
  getShared: (token: string, signal?: AbortSignal) =>
    request('GET', `/api/shared/${encodeURIComponent(token)}`, sharedCallSchema, {
      notifyUnauthenticated: false,
      signal,
    }),
  getSharingSettings: (signal?: AbortSignal) =>
    request('GET', '/api/settings/sharing', sharingSettingsSchema, { signal }),
  saveSharingSettings: (body: { allowPublicLinks: boolean }) =>
    request('PUT', '/api/settings/sharing', sharingSettingsSchema, { body }),
  listTeams: async (signal?: AbortSignal) =>
    (await request('GET', '/api/teams', teamsListSchema, { signal })).teams,
  createTeam: (name: string) => request('POST', '/api/teams', teamSchema, { body: { name } }),
  setTeamMembers: (id: string, userIds: string[]) =>
    request('PUT', `/api/teams/${encodeURIComponent(id)}/members`, teamSchema, { body: { userIds } }),
  deleteTeam: (id: string) => request('DELETE', `/api/teams/${encodeURIComponent(id)}`, null),
  searchCallTranscript: (id: string, q: string, signal?: AbortSignal) =>
    request(
      'GET',
      `/api/calls/${encodeURIComponent(id)}/transcript/search?${new URLSearchParams({ q })}`,
      callTranscriptSearchSchema,
      { signal },
    ),

  getUserMapping: (signal?: AbortSignal) =>
    request('GET', '/api/integrations/zoom/users', userMappingSchema, { signal }),
  autoAssociate: () =>
    request('POST', '/api/integrations/zoom/users/auto-associate', autoAssociateResultSchema),
  saveLinks: (body: SaveLinksRequest) => request('PUT', '/api/integrations/zoom/users/links', null, { body }),
  syncZoomUsers: () => request('POST', '/api/integrations/zoom/users/sync', null),

  /** Reads the recording settings from Zoom again and records the audit. */
  auditPolicy: (signal?: AbortSignal) =>
    request('POST', '/api/integrations/zoom/policy/audit', recordingPolicySchema, { signal }),
  applyPolicy: () => request('POST', '/api/integrations/zoom/policy/apply', recordingPolicySchema),
  updatePolicy: (body: { scope?: 'account' | 'group'; autoDeleteDays?: 30 | 60 | 90 | 120 }) =>
    request('PATCH', '/api/integrations/zoom/policy', recordingPolicySchema, { body }),
  /** Use an existing Zoom group as the recording group, or (no groupId) create it again. */
  selectRecordingGroup: (body: { groupId?: string }) =>
    request('POST', '/api/integrations/zoom/policy/group', recordingPolicySchema, { body }),
  confirmManualItem: (itemId: string, done: boolean) =>
    request(
      'POST',
      `/api/integrations/zoom/policy/manual/${encodeURIComponent(itemId)}`,
      recordingPolicySchema,
      { body: { done } },
    ),

  getImports: (signal?: AbortSignal) =>
    request('GET', '/api/integrations/zoom/imports', importsOverviewSchema, { signal }),
  importNow: () => request('POST', '/api/integrations/zoom/imports/sweep', null),
  diagnose: (meeting: string) =>
    request('POST', '/api/import/diagnose', diagnosisSchema, { body: { meeting } }),

  getCoverage: (signal?: AbortSignal) => request('GET', '/api/coverage', coverageViewSchema, { signal }),
  saveCoverageSettings: (body: CoverageSettings) =>
    request('PUT', '/api/settings/coverage', coverageSettingsSchema, { body }),
  reconcileCoverage: () => request('POST', '/api/integrations/zoom/coverage/reconcile', null),

  getPrivacySettings: (signal?: AbortSignal) =>
    request('GET', '/api/settings/privacy', privacySettingsSchema, { signal }),
  savePrivacySettings: (body: PrivacySettings) =>
    request('PUT', '/api/settings/privacy', privacySettingsSchema, { body }),
  erasePerson: (body: ErasePersonRequest) =>
    request('POST', '/api/privacy/erasures', erasePersonResultSchema, { body }),

  getOrganization: (signal?: AbortSignal): Promise<Organization> =>
    request('GET', '/api/organization', organizationSchema, { signal }),
  updateOrganization: (
    body: Partial<Pick<Organization, 'name' | 'productName' | 'productUrl'>>,
  ): Promise<Organization> => request('PATCH', '/api/organization', organizationSchema, { body }),
};

/** Where the Connect button sends the browser (full page load: the server answers with a redirect to Zoom). */
export const zoomConnectUrl = '/api/integrations/zoom/connect';
