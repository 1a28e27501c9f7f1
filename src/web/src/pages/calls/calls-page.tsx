import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CallSummary } from '../../../../contract/index.ts';
import { api } from '../../api.ts';
import { Banner } from '../../components/banner.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { Icon } from '../../components/icons.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { describeError } from '../../errors.ts';
import { currentLanguage } from '../../i18n.ts';
import { useSession } from '../../session.tsx';

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return minutes >= 60
    ? `${Math.floor(minutes / 60)} h ${minutes % 60} min`
    : `${minutes}:${String(rest).padStart(2, '0')}`;
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** Appels / Calls: the library, newest first, searchable by topic and filterable by date. */
export function CallsPage() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  useDocumentTitle(t('calls.title'));
  const [query, setQuery] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [calls, setCalls] = useState<CallSummary[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let isCurrent = true;
    const timer = setTimeout(() => {
      api
        .listCalls({ q: query, from, to })
        .then((result) => {
          if (!isCurrent) return;
          setCalls(result.calls);
          setTotal(result.total);
          setError(null);
        })
        .catch((cause: unknown) => isCurrent && setError(describeError(t, cause)));
    }, 200);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [query, from, to, t]);

  const isFiltered = Boolean(query || from || to);
  return (
    <>
      <PageHeader title={t('calls.title')} description={t('callLibrary.subtitle')} />
      {error ? <Banner tone="error">{error}</Banner> : null}
      {calls !== null && total === 0 && !isFiltered ? (
        <EmptyState
          icon="calls"
          title={t('calls.emptyTitle')}
          testId="calls-empty"
          actions={
            isAdmin ? (
              <Link to="/settings/integrations" className="btn btn-primary">
                <span>{t('calls.emptyAdminAction')}</span>
                <Icon name="arrowRight" />
              </Link>
            ) : (
              <p className="muted">{t('calls.emptyMemberHint')}</p>
            )
          }
        >
          <p>{t('calls.emptyBody')}</p>
        </EmptyState>
      ) : (
        <div className="card card-flush">
          <div className="toolbar">
            <input
              type="search"
              className="input"
              placeholder={t('callLibrary.search')}
              aria-label={t('callLibrary.search')}
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
            <label className="inline-field">
              <span>{t('callLibrary.from')}</span>
              <input
                type="date"
                className="input"
                value={from}
                onChange={(event) => setFrom(event.target.value)}
              />
            </label>
            <label className="inline-field">
              <span>{t('callLibrary.to')}</span>
              <input
                type="date"
                className="input"
                value={to}
                onChange={(event) => setTo(event.target.value)}
              />
            </label>
          </div>
          <p className="table-summary" aria-live="polite">
            {t('callLibrary.count', { count: total })}
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
                      <Link to={`/calls/${call.id}`}>{call.topic}</Link>
                      {call.hasTranscript ? (
                        <span className="badge badge-neutral">{t('callLibrary.transcript')}</span>
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
        </div>
      )}
    </>
  );
}
