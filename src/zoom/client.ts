import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { backoffMs } from '../lib/backoff.ts';
import { isZoomApiError, ZoomApiError, zoomApiErrorFrom, zoomUnreachableError } from './errors.ts';
import { createLocalRateBudget, type RateBudget } from './rate-budget.ts';
import {
  describeZodError,
  type ZoomMeetingSummary,
  type ZoomPastParticipant,
  type ZoomRateLimitCategory,
  type ZoomRecordingMeeting,
  type ZoomReportMeeting,
  type ZoomSettings,
  type ZoomUserListItem,
  zoomAddGroupMembersResponseSchema,
  zoomErrorBodySchema,
  zoomGroupListResponseSchema,
  zoomGroupMembersResponseSchema,
  zoomGroupSchema,
  zoomMeetingSummarySchema,
  zoomPastMeetingInstancesResponseSchema,
  zoomPastParticipantsResponseSchema,
  zoomRecordingMeetingSchema,
  zoomReportMeetingsResponseSchema,
  zoomRolesResponseSchema,
  zoomSettingsSchema,
  zoomUserListResponseSchema,
  zoomUserPermissionsResponseSchema,
  zoomUserRecordingsResponseSchema,
  zoomUserSchema,
} from './wire.ts';

/** Supplies the Bearer token; `renew` is called once after Zoom answers 401 (token expired or revoked). */
export type ZoomTokenSource = {
  getAccessToken(): Promise<string>;
  renew(rejectedToken: string): Promise<string>;
};

export type ZoomClientOptions = {
  /** https://api.zoom.us/v2, or the emulator's `/v2`. */
  apiUrl: string;
  tokens: ZoomTokenSource;
  /** Key of the Zoom account for the shared rate budget. */
  accountKey: string;
  rateBudget?: RateBudget;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Retries of transient failures and 429s before giving up. */
  maxRetries?: number;
  /** Observes every request (metrics, health): endpoint label, status, category. */
  onResponse?: (event: { endpoint: string; status: number; category: ZoomRateLimitCategory }) => void;
};

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The typed Zoom REST client. Bearer header only (docs/zoom-platform.md §1.5), every response parsed with zod,
 * `next_page_token` iteration, timeouts, retries with jittered backoff on transient errors,
 * 429s honoured (Retry-After / X-RateLimit-Type) and a shared per-account rate budget.
 */
export class ZoomClient {
  readonly #options: Required<Omit<ZoomClientOptions, 'onResponse'>> & Pick<ZoomClientOptions, 'onResponse'>;

  constructor(options: ZoomClientOptions) {
    this.#options = {
      rateBudget: createLocalRateBudget(),
      timeoutMs: 30_000,
      maxRetries: 4,
      ...options,
      apiUrl: options.apiUrl.replace(/\/$/, ''),
    };
  }

  getMe() {
    return this.#request('GET', '/users/me', 'Light', zoomUserSchema);
  }

  getUser(userId: string) {
    return this.#request('GET', `/users/${encodeURIComponent(userId)}`, 'Light', zoomUserSchema);
  }

  async getUserPermissions(userId = 'me'): Promise<string[]> {
    const body = await this.#request(
      'GET',
      `/users/${encodeURIComponent(userId)}/permissions`,
      'Light',
      zoomUserPermissionsResponseSchema,
    );
    return body.permissions;
  }

  /** Every user of the account with one status, page after page (pending users have no `id`). */
  async *listUsers(status: 'active' | 'inactive' | 'pending' = 'active'): AsyncGenerator<ZoomUserListItem> {
    yield* this.#paginate('/users', 'Medium', zoomUserListResponseSchema, (page) => page.users, { status });
  }

  listRoles() {
    return this.#request('GET', '/roles', 'Medium', zoomRolesResponseSchema);
  }

  async *listGroups() {
    yield* this.#paginate('/groups', 'Medium', zoomGroupListResponseSchema, (page) => page.groups);
  }

  createGroup(name: string) {
    return this.#request('POST', '/groups', 'Light', zoomGroupSchema, { body: { name } });
  }

  async *listGroupMembers(groupId: string) {
    const path = `/groups/${encodeURIComponent(groupId)}/members`;
    yield* this.#paginate(path, 'Medium', zoomGroupMembersResponseSchema, (page) => page.members);
  }

  /** Zoom takes at most 30 members per call (docs/zoom-platform.md §2.1): larger lists go in batches. */
  async addGroupMembers(groupId: string, members: Array<{ id: string } | { email: string }>): Promise<void> {
    for (let start = 0; start < members.length; start += 30) {
      await this.#request(
        'POST',
        `/groups/${encodeURIComponent(groupId)}/members`,
        'Medium',
        zoomAddGroupMembersResponseSchema,
        { body: { members: members.slice(start, start + 30) } },
      );
    }
  }

  /** Takes one user out of a group; a user who is not (or no longer) in it is already out. */
  async removeGroupMember(groupId: string, userId: string): Promise<void> {
    try {
      await this.#request(
        'DELETE',
        `/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(userId)}`,
        'Light',
        null,
      );
    } catch (error) {
      if (isZoomApiError(error) && error.kind === 'not_found') return;
      throw error;
    }
  }

  getSettings(scope: SettingsScope, options: { customQueryFields?: string[] } = {}): Promise<ZoomSettings> {
    return this.#request('GET', settingsPath(scope, 'settings'), 'Medium', zoomSettingsSchema, {
      query: { custom_query_fields: options.customQueryFields?.join(',') },
    });
  }

  /** PATCH with a partial body; Zoom deep-merges and answers 204 (docs/zoom-platform.md §3). */
  updateSettings(scope: SettingsScope, settings: ZoomSettings): Promise<void> {
    return this.#request('PATCH', settingsPath(scope, 'settings'), 'Medium', null, { body: settings });
  }

  getLockSettings(scope: Exclude<SettingsScope, { kind: 'user' }>): Promise<ZoomSettings> {
    return this.#request('GET', settingsPath(scope, 'lock_settings'), 'Medium', zoomSettingsSchema);
  }

  updateLockSettings(scope: Exclude<SettingsScope, { kind: 'user' }>, locks: ZoomSettings): Promise<void> {
    return this.#request('PATCH', settingsPath(scope, 'lock_settings'), 'Medium', null, { body: locks });
  }

  /**
   * One user's cloud recordings between two UTC dates, at most one month apart (docs/zoom-platform.md §2.1): callers
   * split longer ranges and overlap the windows, because Zoom's bound semantics are unclear (docs/zoom-platform.md §7).
   */
  async *listUserRecordings(
    userId: string,
    range: { from: string; to: string },
    /** `onUnreadable`: told of each listed meeting that cannot be read (the rest of the page goes on). */
    options: { trash?: boolean; onUnreadable?: (reason: string) => void } = {},
  ): AsyncGenerator<ZoomRecordingMeeting> {
    yield* this.#paginate(
      `/users/${encodeURIComponent(userId)}/recordings`,
      'Medium',
      zoomUserRecordingsResponseSchema,
      (page) => {
        for (const reason of page.unreadable_meetings) options.onUnreadable?.(reason);
        return page.meetings;
      },
      { from: range.from, to: range.to, ...(options.trash ? { trash: true } : {}) },
    );
  }

  /** One meeting instance's recordings, by instance UUID (double-encoded, docs/zoom-platform.md §2.1). */
  getMeetingRecordings(meetingUuid: string, options: { includeDownloadAccessToken?: boolean } = {}) {
    return this.#request(
      'GET',
      `/meetings/${encodeMeetingUuid(meetingUuid)}/recordings`,
      'Light',
      zoomRecordingMeetingSchema,
      {
        query: options.includeDownloadAccessToken
          ? { include_fields: 'download_access_token', ttl: 3600 }
          : {},
      },
    );
  }

  listPastMeetingInstances(meetingId: number | string) {
    return this.#request(
      'GET',
      `/past_meetings/${encodeURIComponent(String(meetingId))}/instances`,
      'Medium',
      zoomPastMeetingInstancesResponseSchema,
    );
  }

  /**
   * Meetings a user hosted between two UTC dates, recorded or not: Zoom's meeting report (Heavy, Pro plan or
   * higher, one month at most within the past six, only meetings of two or more people; docs/zoom-platform.md §2.5).
   */
  async *listReportMeetings(
    userId: string,
    range: { from: string; to: string },
  ): AsyncGenerator<ZoomReportMeeting> {
    const path = `/report/users/${encodeURIComponent(userId)}/meetings`;
    yield* this.#paginate(path, 'Heavy', zoomReportMeetingsResponseSchema, (page) => page.meetings, {
      from: range.from,
      to: range.to,
      type: 'past',
    });
  }

  /** A past meeting instance's participants (Medium, paid plans; empty when one person joined, docs/zoom-platform.md §2.5). */
  async *listPastParticipants(meetingUuid: string): AsyncGenerator<ZoomPastParticipant> {
    const path = `/past_meetings/${encodeMeetingUuid(meetingUuid)}/participants`;
    yield* this.#paginate(path, 'Medium', zoomPastParticipantsResponseSchema, (page) => page.participants);
  }

  /**
   * AI Companion's summary of a meeting instance, or null when Zoom has none (404: summaries off for the
   * host, not written yet, or an end-to-end encrypted meeting). Needs `meeting_summary:read:admin`
   * (granular `meeting:read:summary:admin`); docs/zoom-platform.md §2.6.
   */
  async getMeetingSummary(meetingUuid: string): Promise<ZoomMeetingSummary | null> {
    try {
      return await this.#request(
        'GET',
        `/meetings/${encodeMeetingUuid(meetingUuid)}/meeting_summary`,
        'Light',
        zoomMeetingSummarySchema,
      );
    } catch (error) {
      if (isZoomApiError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** Every item of a listing, page after page, 300 items a page (the most of several listings, docs/zoom-platform.md §2.1). */
  async *#paginate<Page extends { next_page_token?: string | undefined }, Item>(
    path: string,
    category: ZoomRateLimitCategory,
    schema: z.ZodType<Page>,
    items: (page: Page) => Item[] | undefined,
    query: Query = {},
  ): AsyncGenerator<Item> {
    let nextPageToken: string | undefined;
    do {
      const page = await this.#request('GET', path, category, schema, {
        query: { ...query, page_size: 300, ...(nextPageToken ? { next_page_token: nextPageToken } : {}) },
      });
      yield* items(page) ?? [];
      nextPageToken = page.next_page_token || undefined;
    } while (nextPageToken);
  }

  async #request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    category: ZoomRateLimitCategory,
    schema: z.ZodType<T> | null,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> {
    const { apiUrl, tokens, rateBudget, accountKey, maxRetries, timeoutMs } = this.#options;
    const url = new URL(apiUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const endpoint = `${method} ${path.replace(/^\/(report\/users|report\/meetings|users|groups|meetings|past_meetings|accounts)\/[^/]+/, '/$1/{id}')}`;
    let token = await tokens.getAccessToken();
    let hasRenewed = false;
    for (let attempt = 0; ; attempt++) {
      await rateBudget.acquire(accountKey, category);
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        // No answer (timeout, reset): Zoom may have done it. A POST creates something (a group, its
        // members), so sending it again could do it twice; the caller decides, knowing what it asked.
        if (method !== 'POST' && attempt < maxRetries) {
          await sleep(backoffMs(attempt, zoomBackoff));
          continue;
        }
        throw zoomUnreachableError(endpoint, cause);
      }
      this.#options.onResponse?.({ endpoint, status: response.status, category });
      if (response.ok) {
        if (response.status === 204 || schema === null) {
          await response.body?.cancel();
          return undefined as T;
        }
        const json: unknown = await response.json();
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          // Asking again gets the same answer: the item fails with the reason instead of retrying.
          throw new ZoomApiError({
            kind: 'invalid_request',
            status: response.status,
            message: `unexpected response shape: ${describeZodError(parsed.error)}`,
            endpoint,
          });
        }
        return parsed.data;
      }
      const error = await toZoomApiError(response, endpoint);
      if (error.kind === 'unauthorized' && !hasRenewed) {
        hasRenewed = true;
        token = await tokens.renew(token);
        continue;
      }
      if (error.kind === 'rate_limited') {
        const waitMs = error.retryAfterMs ?? 1000;
        await rateBudget.pause(accountKey, category, Date.now() + waitMs);
        // A daily limit means hours: hand the wait back to the job layer instead of blocking.
        if (attempt < maxRetries && waitMs <= 60_000) continue;
      } else if (error.kind === 'transient' && attempt < maxRetries) {
        await sleep(backoffMs(attempt, zoomBackoff));
        continue;
      }
      throw error;
    }
  }
}

/** Pauses between retries of a transient failure: 250-500 ms, then doubling up to 15-30 s. */
const zoomBackoff = { firstMs: 500, maxMs: 30_000 };

export type SettingsScope =
  | { kind: 'account'; accountId?: string }
  | { kind: 'group'; groupId: string }
  | { kind: 'user'; userId: string };

function settingsPath(scope: SettingsScope, resource: 'settings' | 'lock_settings'): string {
  switch (scope.kind) {
    case 'account':
      return `/accounts/${encodeURIComponent(scope.accountId ?? 'me')}/${resource}`;
    case 'group':
      return `/groups/${encodeURIComponent(scope.groupId)}/${resource}`;
    case 'user':
      return `/users/${encodeURIComponent(scope.userId)}/${resource}`;
  }
}

/**
 * Zoom wants a meeting UUID that starts with `/` or contains `//` encoded twice (docs/zoom-platform.md §2.1); encoding
 * every UUID twice is what robust ingesters do, and Zoom decodes either form.
 */
export function encodeMeetingUuid(uuid: string): string {
  return encodeURIComponent(encodeURIComponent(uuid));
}

function toZoomApiError(response: Response, endpoint: string): Promise<ZoomApiError> {
  return zoomApiErrorFrom(
    response,
    endpoint,
    (json) => {
      const parsed = zoomErrorBodySchema.safeParse(json);
      if (!parsed.success) return undefined;
      const { code, message, errors } = parsed.data;
      return { zoomCode: code, message, fieldErrors: errors ?? [] };
    },
    response.status === 429 ? parseRetryAfter(response.headers) : undefined,
  );
}

/**
 * Zoom's daily-limit 429 carries `Retry-After` as an ISO date-time; some QPS answers carry seconds or
 * `X-RateLimit-Reset` (docs/zoom-platform.md §5: UNCONFIRMED), so all three are read.
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset && /^\d+$/.test(reset)) {
    const value = Number(reset);
    return value > 1e9 ? Math.max(0, value * 1000 - now) : value * 1000;
  }
  return headers.get('x-ratelimit-type') === 'QPS' ? 1000 : undefined;
}
