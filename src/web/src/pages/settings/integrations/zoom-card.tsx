import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { zoomConnectUrl } from '../../../api.ts';
import { Button } from '../../../components/button.tsx';
import { Icon } from '../../../components/icons.tsx';

export type ZoomStatus = 'not_connected' | 'connected';

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

export function ZoomCard({ status, isAdmin }: { status: ZoomStatus; isAdmin: boolean }) {
  const { t } = useTranslation();
  const [isRedirecting, setIsRedirecting] = useState(false);
  const isConnected = status === 'connected';
  return (
    <article className="card integration-card" data-testid="zoom-card" aria-labelledby="zoom-card-title">
      <div className="integration-card-head">
        <ZoomMark />
        <div>
          <h3 id="zoom-card-title" className="integration-name">
            {t('integrations.zoom.name')}
          </h3>
          <span
            className={`status-pill ${isConnected ? 'status-pill-success' : 'status-pill-neutral'}`}
            data-testid="zoom-status"
          >
            <span className="status-dot" aria-hidden="true" />
            <span className="visually-hidden">{t('integrations.status.label')}: </span>
            {t(`integrations.status.${status}`)}
          </span>
        </div>
      </div>
      <p className="integration-description">{t('integrations.zoom.description')}</p>
      <div className="integration-card-footer">
        {isAdmin ? (
          isConnected ? null : (
            <>
              <p className="field-hint">{t('integrations.zoom.adminRequirement')}</p>
              <Button
                variant="primary"
                isBusy={isRedirecting}
                onClick={() => {
                  setIsRedirecting(true);
                  // A full page load: the server answers with a redirect to Zoom's OAuth consent page.
                  window.location.assign(zoomConnectUrl);
                }}
              >
                {isRedirecting ? t('integrations.zoom.redirecting') : t('integrations.zoom.connect')}
              </Button>
            </>
          )
        ) : (
          <p className="muted integration-hint" data-testid="zoom-ask-admin">
            <Icon name="lock" />
            <span>{t('integrations.zoom.askAdmin')}</span>
          </p>
        )}
      </div>
    </article>
  );
}
