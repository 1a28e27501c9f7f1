import type { CallSummary } from '@contract/index.ts';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
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

  const setFilter = (name: (typeof filterNames)[number], value: string) => {
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
                <span>
                  {isZoomConnected ? t('calls.emptyConnectedAdminAction') : t('calls.emptyAdminAction')}
                </span>
                <Icon name="arrowRight" />
              </Link>
            ) : isZoomConnected ? null : (
              <p className="muted">{t('calls.emptyMemberHint')}</p>
            )
          }
        >
          <p>
            {isZoomConnected === null
              ? null
              : isZoomConnected
                ? isAdmin
                  ? t('calls.emptyConnectedAdmin')
                  : t('calls.emptyConnectedMember')
                : t('calls.emptyBody')}
          </p>
        </EmptyState>
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
            <LabelledField label={t('library.participants')}>
              <InlineSelect
                value={filters.participants}
                onValue={(value) => setFilter('participants', value)}
                options={[
                  { value: '', label: t('library.anyone') },
                  { value: 'external', label: t('library.withExternal') },
                  { value: 'internal', label: t('library.internalOnly') },
                ]}
              />
            </LabelledField>
            <LabelledField label={t('callLibrary.from')}>
              <input
                type="date"
                className="input"
                value={filters.from}
                onChange={(event) => setFilter('from', event.target.value)}
              />
            </LabelledField>
            <LabelledField label={t('callLibrary.to')}>
              <input
                type="date"
                className="input"
                value={filters.to}
                onChange={(event) => setFilter('to', event.target.value)}
              />
            </LabelledField>
            <LabelledField label={t('library.minMinutes')}>
              <input
                type="number"
                min={0}
                className="input"
                value={filters.minMinutes}
                onChange={(event) => setFilter('minMinutes', event.target.value)}
              />
            </LabelledField>
            <LabelledField label={t('library.transcript')}>
              <InlineSelect
                value={filters.hasTranscript}
                onValue={(value) => setFilter('hasTranscript', value)}
                options={[
                  { value: '', label: t('library.any') },
                  { value: 'true', label: t('library.withTranscript') },
                  { value: 'false', label: t('library.withoutTranscript') },
                ]}
              />
            </LabelledField>
            <LabelledField label={t('library.sort')}>
              <InlineSelect
                value={filters.sort || 'newest'}
                onValue={(value) => setFilter('sort', value === 'newest' ? '' : value)}
                options={[
                  { value: 'newest', label: t('library.sortNewest') },
                  { value: 'oldest', label: t('library.sortOldest') },
                  { value: 'longest', label: t('library.sortLongest') },
                  { value: 'shortest', label: t('library.sortShortest') },
                ]}
              />
            </LabelledField>
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
