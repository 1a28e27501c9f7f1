import {
  infiniteQueryOptions,
  QueryClient,
  type QueryKey,
  queryOptions,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { ApiError, api } from '@/api.ts';

/**
 * The one data-fetching layer: every read is a query below (keyed, deduplicated, aborted through its
 * signal when nobody needs it any more), every write a mutation that invalidates the keys it changes.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A refusal (4xx) does not change by asking again; a lost connection or a 5xx may.
        retry: (failureCount, error) =>
          failureCount < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
        staleTime: 10_000,
      },
    },
  });
}

/** Pages that show live data (imports in progress) poll at this pace, and only while the tab is visible. */
const livePollMs = 5_000;

export const queryKeys = {
  zoomIntegration: ['integrations', 'zoom'] as const,
  userMapping: ['integrations', 'zoom', 'users'] as const,
  imports: ['integrations', 'zoom', 'imports'] as const,
  coverage: ['coverage'] as const,
  policy: ['integrations', 'zoom', 'policy'] as const,
  users: ['users'] as const,
  colleagues: ['colleagues'] as const,
  teams: ['teams'] as const,
  sharingSettings: ['settings', 'sharing'] as const,
  privacySettings: ['settings', 'privacy'] as const,
  calls: ['calls'] as const,
  call: (id: string) => ['calls', id] as const,
  shares: (callId: string) => ['calls', callId, 'shares'] as const,
  shared: (token: string) => ['shared', token] as const,
};

/** A read of `queryKey` that is one API call, given the query's abort signal; `options` add polling etc. */
function apiQuery<Data, Key extends QueryKey>(
  queryKey: Key,
  read: (signal: AbortSignal) => Promise<Data>,
  options: { refetchInterval?: number; staleTime?: number; refetchOnWindowFocus?: boolean } = {},
) {
  return queryOptions({ queryKey, queryFn: ({ signal }) => read(signal), ...options });
}

export const zoomIntegrationQuery = queryOptions({
  queryKey: queryKeys.zoomIntegration,
  queryFn: async ({ signal }) => {
    try {
      return await api.getZoomIntegration(signal);
    } catch (error) {
      // A server without the connections feature: Zoom is simply not connected.
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
});

export const usersQuery = apiQuery(queryKeys.users, api.listUsers);
export const userMappingQuery = apiQuery(queryKeys.userMapping, api.getUserMapping);
export const coverageQuery = apiQuery(queryKeys.coverage, api.getCoverage, { refetchInterval: livePollMs });
export const importsQuery = apiQuery(queryKeys.imports, api.getImports, { refetchInterval: livePollMs });

/**
 * Each opening of the recording-policy tab audits Zoom (its settings as they are now, and any drift),
 * showing the last audit meanwhile; a focus of the window does not call Zoom again.
 */
export const policyAuditQuery = apiQuery(queryKeys.policy, api.auditPolicy, {
  staleTime: 0,
  refetchOnWindowFocus: false,
});

/** The call library for the filters of the page's URL, page by page ("Load more" follows the cursor). */
export function callListQuery(filters: Record<string, string>) {
  return infiniteQueryOptions({
    queryKey: [...queryKeys.calls, 'list', filters],
    queryFn: ({ signal, pageParam }) =>
      api.listCalls(pageParam ? { ...filters, cursor: pageParam } : filters, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export const teamsQuery = apiQuery(queryKeys.teams, api.listTeams);
export const sharingSettingsQuery = apiQuery(queryKeys.sharingSettings, api.getSharingSettings);
export const colleaguesQuery = apiQuery(queryKeys.colleagues, api.listColleagues);
export const privacySettingsQuery = apiQuery(queryKeys.privacySettings, api.getPrivacySettings);

export const sharesQuery = (callId: string) =>
  apiQuery(queryKeys.shares(callId), (signal) => api.listShares(callId, signal));

export const callQuery = (id: string) => apiQuery(queryKeys.call(id), (signal) => api.getCall(id, signal));

export const transcriptSearchQuery = (callId: string, text: string) =>
  apiQuery([...queryKeys.call(callId), 'search', text], (signal) =>
    api.searchCallTranscript(callId, text, signal),
  );

/** A public link, opened signed out: an expired or revoked one (404) is final, not retried. */
export const sharedCallQuery = (token: string) =>
  apiQuery(queryKeys.shared(token), (signal) => api.getShared(token, signal));

/**
 * A write whose outcome is "the data under `invalidates` changed": run it with `mutate(() => api.…)`;
 * on success the key (and every key below it) is fetched again before `onSuccess` runs.
 */
export function useAction(
  invalidates: QueryKey,
  { onSuccess, onError }: { onSuccess?: () => void; onError: (cause: unknown) => void },
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: () => Promise<unknown>) => action(),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: invalidates });
      onSuccess?.();
    },
    onError,
  });
}
