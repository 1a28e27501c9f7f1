import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Banner } from '../../../components/banner.tsx';
import { PageHeader } from '../../../components/layout.tsx';
import { useDocumentTitle } from '../../../components/use-document-title.ts';
import { useSession } from '../../../session.tsx';
import { ZoomCard } from './zoom-card.tsx';

const knownReasons = new Set([
  'access_denied',
  'invalid_state',
  'missing_scopes',
  'not_admin',
  'plan_not_supported',
  'forbidden',
  'token_exchange_failed',
  'already_connected',
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
  useDocumentTitle(t('integrations.title'));
  return (
    <>
      <PageHeader
        eyebrow={t('settings.title')}
        title={t('integrations.title')}
        description={t('integrations.subtitle')}
      />
      <div className="banner-area">
        <ZoomResultBanner />
      </div>
      <section aria-labelledby="all-integrations">
        <h2 id="all-integrations" className="section-title">
          {t('integrations.allIntegrations')}
        </h2>
        <div className="integration-grid">
          {/* The connection status comes from the server once the connections API exists. */}
          <ZoomCard status="not_connected" isAdmin={isAdmin} />
        </div>
      </section>
    </>
  );
}
