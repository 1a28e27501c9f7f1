import type { ZoomConnection } from '@contract/index.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { ConfirmDialog } from '@/components/dialog.tsx';
import { describeError } from '@/errors.ts';
import { formatDateTime, formatRelativeTime } from '@/format.ts';
import { describeMessage } from '@/messages.ts';
import { UninstallDataSetting, UninstalledNotice } from '@/pages/settings/integrations/zoom/zoom-setup.tsx';
import { queryKeys, useAction } from '@/queries.ts';

const marks = { pass: '✓', warn: '⚠', fail: '✗' } as const;

function when(iso: string | null, never: string): string {
  return iso ? formatRelativeTime(iso) : never;
}

/** The connection's prerequisite checklist, health, scopes, and the Disconnect button (admins). */
export function ZoomConnectionDetails({
  connection,
  isAdmin,
}: {
  connection: ZoomConnection;
  isAdmin: boolean;
}) {
  const { t } = useTranslation();
  const [isConfirming, setIsConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Check and Disconnect change the connection: every Zoom view (and the library's empty state) reloads.
  const act = useAction(queryKeys.zoomIntegration, {
    onSuccess: () => {
      setError(null);
      setIsConfirming(false);
    },
    onError: (cause) => {
      setError(describeError(t, cause));
      setIsConfirming(false);
    },
  });
  const isBusy = act.isPending;
  const never = t('zoomConnection.never');
  return (
    <article className="card" data-testid="zoom-connection" aria-labelledby="zoom-connection-title">
      <h3 id="zoom-connection-title" className="section-title">
        {t('zoomConnection.title')}
      </h3>
      {error ? <Banner tone="error">{error}</Banner> : null}
      <UninstalledNotice connection={connection} isAdmin={isAdmin} />
      {connection.status === 'connected' && connection.prerequisites.length > 0 ? (
        <>
          <h4>{t('zoomConnection.prerequisites')}</h4>
          <ul className="checklist" data-testid="prerequisites">
            {connection.prerequisites.map((item) => (
              <li key={item.id} data-status={item.status} data-id={item.id}>
                <span aria-hidden="true">{marks[item.status]}</span>{' '}
                {t(`zoomConnection.checks.${item.id}.${item.status}` as 'zoomConnection.checks.scopes.pass', {
                  missingScopes: ([] as string[])
                    .concat((item.values.missingScopes as string[]) ?? [])
                    .join(', '),
                  missingPermissions: ([] as string[])
                    .concat((item.values.missingPermissions as string[]) ?? [])
                    .join(', '),
                  roleName: String(item.values.roleName ?? ''),
                  error: String(item.values.error ?? ''),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h4>{t('zoomConnection.health')}</h4>
      <dl className="integration-facts" data-testid="zoom-health">
        <dt>{t('zoomConnection.lastApi')}</dt>
        <dd>{when(connection.health.lastApiSuccessAt, never)}</dd>
        <dt>{t('zoomConnection.lastWebhook')}</dt>
        <dd>{when(connection.health.lastWebhookAt, never)}</dd>
        <dt>{t('zoomConnection.token')}</dt>
        <dd>
          {t(`zoomConnection.tokenState.${connection.health.tokenState}`)}
          {connection.health.tokenRefreshedAt
            ? ` · ${t('zoomConnection.tokenRefreshed', { when: formatRelativeTime(connection.health.tokenRefreshedAt) })}`
            : ''}
        </dd>
      </dl>
      {connection.health.lastError ? (
        <p className="field-error">{describeMessage(t, connection.health.lastError)}</p>
      ) : null}
      {connection.endedAt ? (
        <p className="muted">{t('zoomConnection.endedAt', { date: formatDateTime(connection.endedAt) })}</p>
      ) : null}
      <details>
        <summary>{t('zoomConnection.scopes', { count: connection.scopes.length })}</summary>
        <p className="mono">{connection.scopes.join(' ')}</p>
      </details>
      {isAdmin && connection.status === 'connected' ? (
        <div className="link-list">
          <Button variant="secondary" isBusy={isBusy} onClick={() => act.mutate(() => api.checkZoom())}>
            {t('zoomConnection.checkAgain')}
          </Button>
          <Button variant="danger" onClick={() => setIsConfirming(true)}>
            {t('zoomConnection.disconnect')}
          </Button>
        </div>
      ) : null}
      {isAdmin && connection.status === 'connected' ? <UninstallDataSetting connection={connection} /> : null}
      <ConfirmDialog
        isOpen={isConfirming}
        title={t('zoomConnection.confirmTitle')}
        onClose={() => setIsConfirming(false)}
        testId="disconnect-dialog"
        confirm={
          <Button variant="danger" isBusy={isBusy} onClick={() => act.mutate(() => api.disconnectZoom())}>
            {t('zoomConnection.disconnect')}
          </Button>
        }
      >
        <p>{t('zoomConnection.confirmBody')}</p>
      </ConfirmDialog>
    </article>
  );
}
