import type { CallSummary } from '@contract/index.ts';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ParseKeys } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { EmptyState } from '@/components/empty-state.tsx';
import { InlineInput, InlineSelect, LabelledField } from '@/components/field.tsx';
import { Icon } from '@/components/icons.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
import { formatClock, formatDateTime, formatDuration } from '@/format.ts';
import { Marked } from '@/pages/calls/marked-text.tsx';
import { callListQuery, usersQuery, zoomIntegrationQuery } from '@/queries.ts';
import { useSession } from '@/session.tsx';

/** The filters kept in the URL, so that Back, reload and a shared link show the same list. */
const filterNames = [
  'q',
  'userId',
  'participants',
  'from',
  'to',
  'minMinutes',
  'maxMinutes',
  'hasTranscript',
  'sort',
] as const;

type FilterName = (typeof filterNames)[number];

/**
 * The filters after the search box and the host, in their order: a date or number box, or a choice
 * whose values (the URL's) map to the translation keys of their labels ('' is the default: no filter).
 */
const filterFields: Array<
  { name: FilterName; label: ParseKeys } & (
    | { type: 'date' | 'number' }
    | { choices: Record<string, ParseKeys> }
  )
> = [
  {
    name: 'participants',
    label: 'library.participants',
    choices: { '': 'library.anyone', external: 'library.withExternal', internal: 'library.internalOnly' },
  },
  { name: 'from', label: 'callLibrary.from', type: 'date' },
  { name: 'to', label: 'callLibrary.to', type: 'date' },
  { name: 'minMinutes', label: 'library.minMinutes', type: 'number' },
  {
    name: 'hasTranscript',
    label: 'library.transcript',
    choices: { '': 'library.any', true: 'library.withTranscript', false: 'library.withoutTranscript' },
  },
  {
    name: 'sort',
    label: 'library.sort',
    choices: {
      '': 'library.sortNewest',
      oldest: 'library.sortOldest',
      longest: 'library.sortLongest',
      shortest: 'library.sortShortest',
    },
  },
];

/** The library before its first call: what comes next depends on Zoom being connected and who looks. */
function EmptyLibrary({ isAdmin, isZoomConnected }: { isAdmin: boolean; isZoomConnected: boolean | null }) {
  const { t } = useTranslation();
  const adminAction = isZoomConnected ? 'calls.emptyConnectedAdminAction' : 'calls.emptyAdminAction';
  const connectedBody = isAdmin ? 'calls.emptyConnectedAdmin' : 'calls.emptyConnectedMember';
  return (
    <EmptyState
      icon="calls"
      title={t('calls.emptyTitle')}
      testId="calls-empty"
      actions={
        isAdmin ? (
          <Link
            to={isZoomConnected ? '/settings/integrations/zoom/imports' : '/settings/integrations'}
            className="btn btn-primary"
          >
            <span>{t(adminAction)}</span>
            <Icon name="arrowRight" />
          </Link>
        ) : isZoomConnected ? null : (
          <p className="muted">{t('calls.emptyMemberHint')}</p>
        )
      }
    >
      {/* Nothing is said until it is known whether Zoom is connected. */}
      <p>{isZoomConnected === null ? null : t(isZoomConnected ? connectedBody : 'calls.emptyBody')}</p>
    </EmptyState>
  );
}

/** Appels / Calls: the library, searchable inside the calls, filtered and sorted from the URL. */
export function CallsPage() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  // The empty library says what is true now: Zoom not connected yet, or connected and waiting for calls.
  const integration = useQuery(zoomIntegrationQuery);
  const isZoomConnected = integration.isPending ? null : integration.data?.connection?.status === 'connected';
  useDocumentTitle(t('calls.title'));
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(filterNames.map((name) => [name, params.get(name) ?? ''])) as Record<
    (typeof filterNames)[number],
    string
  >;
  const [typed, setTyped] = useState(filters.q);
  const hosts = useQuery({ ...usersQuery, enabled: isAdmin }).data ?? [];
  // While another filter's answer is on its way, the list shown stays the previous one.
  const list = useInfiniteQuery({ ...callListQuery(filters), placeholderData: keepPreviousData });
  const calls = list.data ? list.data.pages.flatMap((page) => page.calls) : null;
  const firstPage = list.data?.pages[0];
  const total = { count: firstPage?.total ?? 0, isCapped: firstPage?.isTotalCapped ?? false };

  const setFilter = (name: FilterName, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  // Typing settles for a moment before it becomes the URL's query (and the search).
  useEffect(() => {
    if (typed === (params.get('q') ?? '')) return;
    const timer = setTimeout(() => setFilter('q', typed.trim() ? typed : ''), 250);
    return () => clearTimeout(timer);
  });
  // Back or a link changes the URL: the box follows it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a URL change resets what is typed
  useEffect(() => setTyped(params.get('q') ?? ''), [params.get('q')]);

  const isFiltered = filterNames.some((name) => filters[name]);
  const callLink = (call: CallSummary, atMs?: number) => {
    const query = new URLSearchParams();
    if (atMs !== undefined) query.set('t', String(Math.floor(atMs / 1000)));
    if (filters.q) query.set('q', filters.q);
    const search = query.toString();
    return `/calls/${call.id}${search ? `?${search}` : ''}`;
  };
  return (
    <>
      <PageHeader title={t('calls.title')} description={t('callLibrary.subtitle')} />
      {list.error ? <Banner tone="error">{describeError(t, list.error)}</Banner> : null}
      {calls !== null && total.count === 0 && !isFiltered ? (
        <EmptyLibrary isAdmin={isAdmin} isZoomConnected={isZoomConnected} />
      ) : (
        <div className="card card-flush">
          <div className="filters">
            <InlineInput
              type="search"
              className="input filters-search"
              label={t('library.search')}
              value={typed}
              onValue={setTyped}
            />
            {isAdmin ? (
              <LabelledField label={t('callLibrary.host')}>
                <InlineSelect
                  value={filters.userId}
                  onValue={(value) => setFilter('userId', value)}
                  options={[
                    { value: '', label: t('library.anyone') },
                    ...hosts.map((user) => ({ value: user.id, label: user.name })),
                  ]}
                />
              </LabelledField>
            ) : null}
            {filterFields.map((field) => (
              <LabelledField key={field.name} label={t(field.label)}>
                {'choices' in field ? (
                  <InlineSelect
                    value={filters[field.name]}
                    onValue={(value) => setFilter(field.name, value)}
                    options={Object.entries(field.choices).map(([value, label]) => ({
                      value,
                      label: t(label),
                    }))}
                  />
                ) : (
                  <input
                    type={field.type}
                    min={field.type === 'number' ? 0 : undefined}
                    className="input"
                    value={filters[field.name]}
                    onChange={(event) => setFilter(field.name, event.target.value)}
                  />
                )}
              </LabelledField>
            ))}
          </div>
          <p className="table-summary" aria-live="polite">
            {/* Past the cap the server stops counting: say "more than", never a made-up figure. */}
            {total.isCapped
              ? t('library.countMoreThan', { count: total.count })
              : t('callLibrary.count', { count: total.count })}
          </p>
          <div className="table-wrap">
            <table className="table" data-testid="calls-table">
              <thead>
                <tr>
                  <th scope="col">{t('callLibrary.topic')}</th>
                  <th scope="col">{t('callLibrary.host')}</th>
                  <th scope="col">{t('callLibrary.date')}</th>
                  <th scope="col">{t('callLibrary.duration')}</th>
                </tr>
              </thead>
              <tbody>
                {(calls ?? []).map((call) => (
                  <tr key={call.id} data-testid="call-row">
                    <td>
                      <Link to={callLink(call)}>
                        {call.search ? <Marked parts={call.search.topic} /> : call.topic}
                      </Link>
                      {call.hasTranscript ? (
                        <span className="badge badge-neutral">{t('callLibrary.transcript')}</span>
                      ) : null}
                      {call.search && call.search.matches.length > 0 ? (
                        <ul className="search-matches" data-testid="search-matches">
                          {call.search.matches.map((match) => (
                            <li key={`${match.kind}-${match.atMs}-${match.speaker}`}>
                              <Link to={callLink(call, match.atMs)} data-testid="search-match">
                                <span className="mono muted">{formatClock(match.atMs)}</span>{' '}
                                {match.kind !== 'transcript' ? (
                                  <span className="badge badge-outline">
                                    {t(
                                      match.kind === 'chat'
                                        ? 'library.chat'
                                        : match.kind === 'highlight'
                                          ? 'library.highlight'
                                          : 'library.comment',
                                    )}
                                  </span>
                                ) : null}{' '}
                                <strong>{match.speaker}</strong> <Marked parts={match.text} />
                              </Link>
                            </li>
                          ))}
                          {call.search.matchCount > call.search.matches.length ? (
                            <li className="muted">
                              {t('library.moreMatches', {
                                count: call.search.matchCount - call.search.matches.length,
                              })}
                            </li>
                          ) : null}
                        </ul>
                      ) : null}
                    </td>
                    <td>{call.host?.name ?? '—'}</td>
                    <td>{formatDateTime(call.startedAt)}</td>
                    <td>{formatDuration(call.durationSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {calls !== null && calls.length === 0 ? (
            <p className="table-empty">{t('callLibrary.noMatch')}</p>
          ) : null}
          {list.hasNextPage ? (
            <p className="table-more">
              <Button
                variant="secondary"
                isBusy={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                {t('library.loadMore')}
              </Button>
            </p>
          ) : null}
        </div>
      )}
    </>
  );
}
