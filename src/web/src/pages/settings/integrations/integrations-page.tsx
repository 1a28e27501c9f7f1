import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Banner } from '@/components/banner.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
import { ZoomConnectionDetails } from '@/pages/settings/integrations/zoom/zoom-connection-details.tsx';
import { UninstalledNotice, ZoomAppSetup } from '@/pages/settings/integrations/zoom/zoom-setup.tsx';
import { ZoomCard, type ZoomStatus } from '@/pages/settings/integrations/zoom-card.tsx';
import { zoomIntegrationQuery } from '@/queries.ts';
import { useSession } from '@/session.tsx';

/** The `reason` values the server puts in `?zoom=error&reason=…` after the OAuth round trip. */
const knownReasons = new Set([
  'access_denied',
  'zoom_error',
  'missing_code',
  'invalid_state',
  'code_exchange_failed',
  'no_account',
  'other_account',
  'account_in_use',
  'not_admin',
]);

/** The outcome of the OAuth round trip, which the server reports as `?zoom=connected|error&reason=…`. */
function ZoomResultBanner() {
  const { t } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  const outcome = searchParams.get('zoom');
  const dismiss = () => {
    const next = new URLSearchParams(searchParams);
    next.delete('zoom');
    next.delete('reason');
    setSearchParams(next, { replace: true });
  };

  if (outcome === 'connected') {
    return (
      <Banner tone="success" onDismiss={dismiss} testId="zoom-banner">
        {t('integrations.zoom.connected')}
      </Banner>
    );
  }
  if (outcome === 'error') {
    const reason = searchParams.get('reason') ?? 'unknown';
    const message = knownReasons.has(reason)
      ? t(`integrations.zoom.error.${reason}` as 'integrations.zoom.error.access_denied')
      : t('integrations.zoom.error.unknown', { reason });
    return (
      <Banner tone="error" title={t('integrations.zoom.errorTitle')} onDismiss={dismiss} testId="zoom-banner">
        {message}
      </Banner>
    );
  }
  return null;
}

export function IntegrationsPage() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  const integration = useQuery(zoomIntegrationQuery);
  useDocumentTitle(t('integrations.title'));

  const connection = integration.data?.connection ?? null;
  const status: ZoomStatus = integration.isPending
    ? 'loading'
    : connection
      ? connection.status
      : 'not_connected';

  return (
    <>
      <PageHeader
        eyebrow={t('settings.title')}
        title={t('integrations.title')}
        description={t('integrations.subtitle')}
      />
      <div className="banner-area">
        <ZoomResultBanner />
        {integration.error ? (
          <Banner tone="error">
            {t('integrations.zoom.statusFailed', { message: describeError(t, integration.error) })}
          </Banner>
        ) : null}
      </div>
      <section aria-labelledby="all-integrations">
        <h2 id="all-integrations" className="section-title">
          {t('integrations.allIntegrations')}
        </h2>
        <div className="integration-grid">
          <ZoomCard status={status} connection={connection} isAdmin={isAdmin} />
          {connection && !isAdmin ? (
            // A member sees what is true for them: no prerequisites or health, which are the admin's.
            <article className="card" data-testid="zoom-member">
              <h3 className="section-title">{t('integrations.member.title')}</h3>
              <UninstalledNotice connection={connection} isAdmin={false} />
              <p>
                {connection.status === 'connected'
                  ? t('integrations.member.connected')
                  : t('integrations.member.notWorking')}
              </p>
              <Link to="/calls">{t('integrations.member.openCalls')}</Link>
            </article>
          ) : null}
          {connection && isAdmin ? <ZoomConnectionDetails connection={connection} isAdmin={isAdmin} /> : null}
          {isAdmin && integration.data && !integration.data.isSandbox ? (
            <ZoomAppSetup integration={integration.data} />
          ) : null}
        </div>
      </section>
    </>
  );
}
