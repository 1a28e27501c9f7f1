import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { describeError } from '@/errors.ts';
import { useSessionContext } from '@/session.tsx';

export function FullPageLoading() {
  const { t } = useTranslation();
  return (
    <div className="full-page-center" role="status">
      <span className="spinner spinner-lg" aria-hidden="true" />
      <span>{t('app.loading')}</span>
    </div>
  );
}

/** Renders the signed-in area, or sends the visitor to `/sign-in?next=<where they were going>`. */
export function RequireSession() {
  const { t } = useTranslation();
  const { state, reload } = useSessionContext();
  const location = useLocation();

  if (state.status === 'loading') return <FullPageLoading />;
  if (state.status === 'error') {
    return (
      <div className="full-page-center">
        <Banner
          tone="error"
          actions={
            <Button variant="secondary" onClick={reload}>
              {t('common.retry')}
            </Button>
          }
        >
          {describeError(t, state.error)}
        </Banner>
      </div>
    );
  }
  if (state.status === 'signed-out') {
    // After an explicit sign-out, the next person to sign in starts from the default page.
    if (state.reason === 'signed-out') return <Navigate to="/sign-in" replace />;
    const next = `${location.pathname}${location.search}${location.hash}`;
    const params = new URLSearchParams({ next });
    if (state.reason === 'expired') params.set('expired', '1');
    return <Navigate to={`/sign-in?${params.toString()}`} replace />;
  }
  return <Outlet />;
}
