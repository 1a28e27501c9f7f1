import type { ZoomConnection } from '@contract/index.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { zoomConnectUrl } from '@/api.ts';
import { Button } from '@/components/button.tsx';
import { Icon } from '@/components/icons.tsx';
import { formatDateTime } from '@/format.ts';
import { CoverageAlert } from '@/pages/settings/integrations/zoom/zoom-coverage.tsx';

/** `loading` while the status is fetched; `not_connected` when the organisation never connected Zoom. */
export type ZoomStatus = 'loading' | 'not_connected' | ZoomConnection['status'];

/** A video-camera mark in Zoom's blue; not Zoom's trademarked logo. */
function ZoomMark() {
  return (
    <span className="integration-mark integration-mark-zoom" aria-hidden="true">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
        <path
          d="M5 11.5A2.5 2.5 0 0 1 7.5 9h10a2.5 2.5 0 0 1 2.5 2.5v9a2.5 2.5 0 0 1-2.5 2.5h-10A2.5 2.5 0 0 1 5 20.5z"
          fill="#fff"
        />
        <path d="M21.5 14.2 26 11v10l-4.5-3.2z" fill="#fff" />
      </svg>
    </span>
  );
}

const pillTone: Record<ZoomStatus, string> = {
  loading: 'status-pill-neutral',
  not_connected: 'status-pill-neutral',
  connected: 'status-pill-success',
  reconnect_needed: 'status-pill-danger',
  disconnected: 'status-pill-neutral',
  uninstalled: 'status-pill-neutral',
};

interface ZoomCardProps {
  status: ZoomStatus;
  connection: ZoomConnection | null;
  isAdmin: boolean;
}

export function ZoomCard({ status, connection, isAdmin }: ZoomCardProps) {
  const { t } = useTranslation();
  const [isRedirecting, setIsRedirecting] = useState(false);
  const canConnect = status !== 'loading' && status !== 'connected';
  const isLive = connection && (status === 'connected' || status === 'reconnect_needed');
  const hasFooter = isAdmin ? canConnect : status !== 'connected' && status !== 'loading';
  return (
    <article className="card integration-card" data-testid="zoom-card" aria-labelledby="zoom-card-title">
      <div className="integration-card-head">
        <ZoomMark />
        <div>
          <h3 id="zoom-card-title" className="integration-name">
            {t('integrations.zoom.name')}
          </h3>
          <span className={`status-pill ${pillTone[status]}`} data-testid="zoom-status" data-status={status}>
            <span className="status-dot" aria-hidden="true" />
            {t(`integrations.status.${status}`)}
          </span>
        </div>
      </div>
      <p className="integration-description">{t('integrations.zoom.description')}</p>
      {isLive ? (
        <div className="integration-facts">
          <dl>
            <dt>{t('integrations.zoom.account')}</dt>
            <dd data-testid="zoom-account">
              {connection.zoomUserEmail}
              {connection.zoomRoleName
                ? ` · ${t('zoomConnection.role', { role: connection.zoomRoleName })}`
                : ''}
            </dd>
          </dl>
          <p className="muted">
            {connection.connectedBy
              ? t('integrations.zoom.connectedBy', {
                  name: connection.connectedBy.name,
                  date: formatDateTime(connection.connectedAt),
                })
              : t('integrations.zoom.connectedAt', { date: formatDateTime(connection.connectedAt) })}
          </p>
        </div>
      ) : null}
      {status === 'connected' && isAdmin ? <CoverageAlert /> : null}
      {status === 'connected' && isAdmin ? (
        <div className="link-list">
          <Link to="/settings/integrations/zoom/users" className="btn btn-secondary btn-sm">
            {t('integrations.zoom.manageUsers')}
          </Link>
          <Link to="/settings/integrations/zoom/imports" className="btn btn-secondary btn-sm">
            {t('integrations.zoom.manageImports')}
          </Link>
          <Link to="/settings/integrations/zoom/policy" className="btn btn-secondary btn-sm">
            {t('integrations.zoom.managePolicy')}
          </Link>
        </div>
      ) : null}
      {status === 'reconnect_needed' ? (
        <p className="field-error">{t('integrations.zoom.reconnectHint')}</p>
      ) : null}
      {hasFooter ? (
        <div className="integration-card-footer">
          {!isAdmin ? (
            <p className="muted integration-hint" data-testid="zoom-ask-admin">
              <Icon name="lock" />
              <span>{t('integrations.zoom.askAdmin')}</span>
            </p>
          ) : (
            <>
              {status === 'reconnect_needed' ? null : (
                <p className="field-hint">{t('integrations.zoom.adminRequirement')}</p>
              )}
              <Button
                variant="primary"
                isBusy={isRedirecting}
                onClick={() => {
                  setIsRedirecting(true);
                  // A full page load: the server answers with a redirect to Zoom's OAuth consent page.
                  window.location.assign(zoomConnectUrl);
                }}
              >
                {isRedirecting
                  ? t('integrations.zoom.redirecting')
                  : status === 'reconnect_needed'
                    ? t('integrations.zoom.reconnect')
                    : t('integrations.zoom.connect')}
              </Button>
            </>
          )}
        </div>
      ) : null}
    </article>
  );
}
