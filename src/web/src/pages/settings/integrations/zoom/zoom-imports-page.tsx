import type { Diagnosis } from '@contract/index.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { FeedbackBanners, useFeedback } from '@/components/feedback.tsx';
import { InlineInput } from '@/components/field.tsx';
import { TableCard } from '@/components/table.tsx';
import { formatDateTime } from '@/format.ts';
import { describeMessage } from '@/messages.ts';
import { CoverageSection } from '@/pages/settings/integrations/zoom/zoom-coverage.tsx';
import { ZoomTabHeader } from '@/pages/settings/integrations/zoom/zoom-tab-header.tsx';
import { importsQuery, queryKeys } from '@/queries.ts';

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
  const queryClient = useQueryClient();
  // Imports move on their own (webhooks, sweeps): the overview polls while the tab is visible.
  const { data: overview, error: loadError } = useQuery(importsQuery);
  const feedback = useFeedback();
  const [meeting, setMeeting] = useState('');
  const [diagnosis, setDiagnosis] = useState<Diagnosis | null>(null);

  const importNow = useMutation({
    mutationFn: () => api.importNow(),
    onSuccess: async () => {
      feedback.succeed(t('zoomImports.queued'));
      await queryClient.invalidateQueries({ queryKey: queryKeys.imports });
    },
    onError: (cause) => feedback.fail(cause),
  });
  // The diagnosis found a host with no Callport user: create it here, then link it in the Users tab.
  const createHost = useMutation({
    mutationFn: (email: string) => api.createUser({ email, name: email.split('@')[0]!, role: 'member' }),
    onSuccess: async (_user, email) => {
      setDiagnosis(null);
      feedback.succeed(t('zoomImports.hostCreated', { email }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.users }),
        queryClient.invalidateQueries({ queryKey: queryKeys.userMapping }),
      ]);
    },
    onError: (cause) => feedback.fail(cause, { conflict: t('errors.conflict') }),
  });
  const diagnose = useMutation({
    mutationFn: (meeting: string) => api.diagnose(meeting),
    onSuccess: setDiagnosis,
    onError: (cause) => feedback.fail(cause),
  });

  const firstCall = overview?.recordings.filter((recording) => recording.callId).at(-1);
  const submitDiagnosis = (event: FormEvent) => {
    event.preventDefault();
    diagnose.mutate(meeting);
  };

  return (
    <>
      <ZoomTabHeader
        title={t('zoomImports.title')}
        description={t('zoomImports.description', { count: overview?.sweepIntervalMinutes ?? 5 })}
        actions={
          <Button variant="primary" isBusy={importNow.isPending} onClick={() => importNow.mutate()}>
            {t('zoomImports.importNow')}
          </Button>
        }
      />
      <FeedbackBanners
        feedback={feedback}
        loadError={loadError}
        noticeExtra={<Link to="/settings/integrations/zoom/users">{t('zoomImports.openUsers')}</Link>}
      />
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
            <p className="field-error" data-testid="sweep-error">
              {describeMessage(t, overview.lastSweep.error)}
            </p>
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
          <form onSubmit={submitDiagnosis} className="toolbar">
            <InlineInput label={t('zoomImports.meetingPlaceholder')} value={meeting} onValue={setMeeting} />
            <Button type="submit" variant="secondary" disabled={!meeting.trim()} isBusy={diagnose.isPending}>
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
                <Button
                  variant="secondary"
                  isBusy={createHost.isPending}
                  onClick={() => createHost.mutate(diagnosis.hostEmail!)}
                >
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
      <CoverageSection />
      <h2 className="section-title">{t('zoomImports.recordings')}</h2>
      <TableCard
        caption="zoomImports.recordings"
        testId="imports-table"
        columns={['callLibrary.topic', 'callLibrary.host', 'callLibrary.date', 'zoomImports.statusTitle']}
        empty={overview && overview.recordings.length === 0 ? t('zoomImports.none') : null}
      >
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
      </TableCard>
    </>
  );
}
