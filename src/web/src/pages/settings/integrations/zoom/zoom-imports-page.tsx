import type { Diagnosis, ImportsOverview } from '@contract/index.ts';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
import { formatDateTime } from '@/format.ts';
import { describeMessage } from '@/messages.ts';

const tones: Record<string, string> = {
  imported: 'badge-success',
  importing: 'badge-brand',
  discovered: 'badge-brand',
  waiting: 'badge-warning',
  skipped: 'badge-neutral',
  failed: 'badge-warning',
  trashed: 'badge-neutral',
  deleted: 'badge-neutral',
  erased: 'badge-neutral',
};

/** Réglages > Intégrations > Zoom > Imports: sweeps, webhooks, each recording's timeline, and "Test your first call". */
export function ZoomImportsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('zoomImports.title'));
  const [overview, setOverview] = useState<ImportsOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [meeting, setMeeting] = useState('');
  const [diagnosis, setDiagnosis] = useState<Diagnosis | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setOverview(await api.getImports());
    } catch (cause) {
      setError(describeError(t, cause));
    }
  }, [t]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [load]);

  // The diagnosis found a host with no Callport user: create it here, then link it in the Users tab.
  const createHost = async (email: string) => {
    try {
      await api.createUser({ email, name: email.split('@')[0]!, role: 'member' });
      setDiagnosis(null);
      setNotice(t('zoomImports.hostCreated', { email }));
    } catch (cause) {
      setError(describeError(t, cause, { conflict: t('errors.conflict') }));
    }
  };

  const firstCall = overview?.recordings.filter((recording) => recording.callId).at(-1);
  const diagnose = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setDiagnosis(await api.diagnose(meeting));
    } catch (cause) {
      setError(describeError(t, cause));
    }
  };

  return (
    <>
      <PageHeader
        eyebrow={t('zoomUsers.eyebrow')}
        title={t('zoomImports.title')}
        description={t('zoomImports.description', { minutes: overview?.sweepIntervalMinutes ?? 5 })}
        actions={
          <Button
            variant="primary"
            onClick={() =>
              void api
                .importNow()
                .then(() => setNotice(t('zoomImports.queued')))
                .catch((cause: unknown) => setError(describeError(t, cause)))
            }
          >
            {t('zoomImports.importNow')}
          </Button>
        }
      />
      <p>
        <Link to="/settings/integrations">← {t('zoomUsers.back')}</Link>
      </p>
      {error ? (
        <Banner tone="error" onDismiss={() => setError(null)}>
          {error}
        </Banner>
      ) : null}
      {notice ? (
        <Banner tone="success" onDismiss={() => setNotice(null)}>
          {notice} <Link to="/settings/integrations/zoom/users">{t('zoomImports.openUsers')}</Link>
        </Banner>
      ) : null}
      {overview && overview.atRisk > 0 ? (
        <Banner tone="warning" testId="at-risk">
          {t('zoomImports.atRisk', { count: overview.atRisk })}
        </Banner>
      ) : null}
      <div className="integration-grid">
        <div className="card">
          <h2 className="section-title">{t('zoomImports.health')}</h2>
          <dl className="integration-facts">
            <dt>{t('zoomImports.lastSweep')}</dt>
            <dd>
              {overview?.lastSweep?.finishedAt
                ? formatDateTime(overview.lastSweep.finishedAt)
                : t('zoomImports.never')}
            </dd>
            <dt>{t('zoomImports.lastWebhook')}</dt>
            <dd>
              {overview?.lastWebhookAt ? formatDateTime(overview.lastWebhookAt) : t('zoomImports.never')}
            </dd>
            <dt>{t('zoomImports.counts')}</dt>
            <dd data-testid="import-counts">
              {Object.entries(overview?.counts ?? {})
                .map(
                  ([status, count]) =>
                    `${t(`zoomImports.status.${status}` as 'zoomImports.status.imported')}: ${count}`,
                )
                .join(' · ') || '—'}
            </dd>
          </dl>
          {overview?.lastSweep?.error ? (
            <p className="field-error">{t('zoomImports.sweepFailed', { error: overview.lastSweep.error })}</p>
          ) : null}
        </div>
        <div className="card" data-testid="first-import">
          <h2 className="section-title">{t('firstImport.title')}</h2>
          <p className="muted">{t('firstImport.howItWorks', { days: overview?.backfillDays ?? 30 })}</p>
          {overview && overview.unmatchedHosts.length > 0 ? (
            <>
              <p>{t('firstImport.unmatched')}</p>
              <ul data-testid="unmatched-hosts">
                {overview.unmatchedHosts.map((host) => (
                  <li key={host.zoomUserId}>
                    {t('firstImport.unmatchedHost', {
                      host: host.email ?? host.zoomUserId,
                      count: host.recordings,
                    })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
        <div className="card" data-testid="first-call">
          <h2 className="section-title">{t('zoomImports.firstCallTitle')}</h2>
          {firstCall?.callId ? (
            <p>
              {t('zoomImports.firstCallFound')}{' '}
              <Link to={`/calls/${firstCall.callId}`}>{firstCall.topic}</Link>
            </p>
          ) : (
            <p className="muted">{t('zoomImports.firstCallNone')}</p>
          )}
          <form onSubmit={(event) => void diagnose(event)} className="toolbar">
            <input
              className="input"
              value={meeting}
              onChange={(event) => setMeeting(event.target.value)}
              placeholder={t('zoomImports.meetingPlaceholder')}
              aria-label={t('zoomImports.meetingPlaceholder')}
            />
            <Button type="submit" variant="secondary" disabled={!meeting.trim()}>
              {t('zoomImports.diagnose')}
            </Button>
          </form>
          {diagnosis ? (
            <div data-testid="diagnosis" data-verdict={diagnosis.verdict}>
              <strong>
                {t(`zoomImports.verdict.${diagnosis.verdict}` as 'zoomImports.verdict.imported')}
              </strong>
              <p>{describeMessage(t, diagnosis.detail)}</p>
              {diagnosis.hostEmail ? (
                <Button variant="secondary" onClick={() => void createHost(diagnosis.hostEmail!)}>
                  {t('zoomImports.createHost', { email: diagnosis.hostEmail })}
                </Button>
              ) : null}
              {diagnosis.callId ? (
                <Link to={`/calls/${diagnosis.callId}`}>{t('zoomImports.openCall')}</Link>
              ) : null}
            </div>
          ) : null}
        </div>
      </div>
      <h2 className="section-title">{t('zoomImports.recordings')}</h2>
      <div className="card card-flush">
        <div className="table-wrap">
          <table className="table" data-testid="imports-table">
            <thead>
              <tr>
                <th scope="col">{t('callLibrary.topic')}</th>
                <th scope="col">{t('callLibrary.host')}</th>
                <th scope="col">{t('callLibrary.date')}</th>
                <th scope="col">{t('zoomImports.statusTitle')}</th>
              </tr>
            </thead>
            <tbody>
              {(overview?.recordings ?? []).map((recording) => (
                <tr key={recording.id}>
                  <td>
                    {recording.callId ? (
                      <Link to={`/calls/${recording.callId}`}>{recording.topic}</Link>
                    ) : (
                      recording.topic
                    )}
                    <div className="muted mono">{recording.meetingId}</div>
                  </td>
                  <td>{recording.hostEmail ?? '—'}</td>
                  <td>{formatDateTime(recording.startTime)}</td>
                  <td className="status-cell">
                    <span className={`badge ${tones[recording.status] ?? 'badge-neutral'}`}>
                      {t(`zoomImports.status.${recording.status}` as 'zoomImports.status.imported')}
                    </span>
                    {recording.isAtRisk ? (
                      <span className="badge badge-warning">{t('zoomImports.deletedSoon')}</span>
                    ) : null}
                    {recording.reason ? (
                      <span className="muted">{describeMessage(t, recording.reason)}</span>
                    ) : null}
                    <details>
                      <summary>{t('zoomImports.timeline')}</summary>
                      <ol className="timeline">
                        {recording.events.map((event) => (
                          <li key={`${event.at}-${event.status}`}>
                            {formatDateTime(event.at)} —{' '}
                            {t(`zoomImports.status.${event.status}` as 'zoomImports.status.imported', {
                              defaultValue: event.status,
                            })}
                            {event.detail ? ` : ${describeMessage(t, event.detail)}` : ''}
                          </li>
                        ))}
                      </ol>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {overview && overview.recordings.length === 0 ? (
          <p className="table-empty">{t('zoomImports.none')}</p>
        ) : null}
      </div>
    </>
  );
}
