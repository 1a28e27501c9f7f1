import { useTranslation } from 'react-i18next';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { EmptyState } from './components/empty-state.tsx';
import { AppLayout } from './components/layout.tsx';
import { RequireSession } from './components/require-session.tsx';
import { useDocumentTitle } from './components/use-document-title.ts';
import { CallPage } from './pages/calls/call-page.tsx';
import { CallsPage } from './pages/calls/calls-page.tsx';
import { IntegrationsPage } from './pages/settings/integrations/integrations-page.tsx';
import { ZoomImportsPage } from './pages/settings/integrations/zoom/zoom-imports-page.tsx';
import { ZoomPolicyPage } from './pages/settings/integrations/zoom/zoom-policy-page.tsx';
import { ZoomUsersPage } from './pages/settings/integrations/zoom/zoom-users-page.tsx';
import { PrivacyPage } from './pages/settings/privacy/privacy-page.tsx';
import { TeamsPage } from './pages/settings/teams/teams-page.tsx';
import { UsersPage } from './pages/settings/users/users-page.tsx';
import { SharedCallPage } from './pages/shared/shared-call-page.tsx';
import { SignInPage } from './pages/sign-in/sign-in-page.tsx';
import { SessionProvider } from './session.tsx';

function NotFoundPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('notFound.title'));
  return (
    <EmptyState
      icon="info"
      title={t('notFound.title')}
      actions={
        <Link to="/calls" className="btn btn-primary">
          {t('notFound.back')}
        </Link>
      }
    >
      <p>{t('notFound.body')}</p>
    </EmptyState>
  );
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/s/:token" element={<SharedCallPage />} />
          <Route element={<RequireSession />}>
            <Route element={<AppLayout />}>
              <Route index element={<Navigate to="/calls" replace />} />
              <Route path="calls" element={<CallsPage />} />
              <Route path="calls/:id" element={<CallPage />} />
              <Route path="settings">
                <Route index element={<Navigate to="/settings/integrations" replace />} />
                <Route path="integrations" element={<IntegrationsPage />} />
                <Route path="integrations/zoom/users" element={<ZoomUsersPage />} />
                <Route path="integrations/zoom/imports" element={<ZoomImportsPage />} />
                <Route path="integrations/zoom/policy" element={<ZoomPolicyPage />} />
                <Route path="users" element={<UsersPage />} />
                <Route path="privacy" element={<PrivacyPage />} />
                <Route path="teams" element={<TeamsPage />} />
              </Route>
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
