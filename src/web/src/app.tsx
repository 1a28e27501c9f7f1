import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Link, Navigate, RouterProvider } from 'react-router';
import { EmptyState } from '@/components/empty-state.tsx';
import { AppLayout } from '@/components/layout.tsx';
import { RequireSession } from '@/components/require-session.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { CallPage } from '@/pages/calls/call-page.tsx';
import { CallsPage } from '@/pages/calls/calls-page.tsx';
import { CoveragePage } from '@/pages/coverage/coverage-page.tsx';
import { IntegrationsPage } from '@/pages/settings/integrations/integrations-page.tsx';
import { ZoomImportsPage } from '@/pages/settings/integrations/zoom/zoom-imports-page.tsx';
import { ZoomPolicyPage } from '@/pages/settings/integrations/zoom/zoom-policy-page.tsx';
import { ZoomUsersPage } from '@/pages/settings/integrations/zoom/zoom-users-page.tsx';
import { PrivacyPage } from '@/pages/settings/privacy/privacy-page.tsx';
import { TeamsPage } from '@/pages/settings/teams/teams-page.tsx';
import { UsersPage } from '@/pages/settings/users/users-page.tsx';
import { SharedCallPage } from '@/pages/shared/shared-call-page.tsx';
import { SignInPage } from '@/pages/sign-in/sign-in-page.tsx';
import { createQueryClient } from '@/queries.ts';
import { SessionProvider } from '@/session.tsx';

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

/** The data router: needed for `useBlocker` (unsaved changes are guarded against Back/Forward too). */
function createRouter() {
  return createBrowserRouter([
    { path: '/sign-in', element: <SignInPage /> },
    { path: '/s/:token', element: <SharedCallPage /> },
    {
      element: <RequireSession />,
      children: [
        {
          element: <AppLayout />,
          children: [
            { index: true, element: <Navigate to="/calls" replace /> },
            { path: 'calls', element: <CallsPage /> },
            { path: 'coverage', element: <CoveragePage /> },
            { path: 'calls/:id', element: <CallPage /> },
            {
              path: 'settings',
              children: [
                { index: true, element: <Navigate to="/settings/integrations" replace /> },
                { path: 'integrations', element: <IntegrationsPage /> },
                { path: 'integrations/zoom/users', element: <ZoomUsersPage /> },
                { path: 'integrations/zoom/imports', element: <ZoomImportsPage /> },
                { path: 'integrations/zoom/policy', element: <ZoomPolicyPage /> },
                { path: 'users', element: <UsersPage /> },
                { path: 'privacy', element: <PrivacyPage /> },
                { path: 'teams', element: <TeamsPage /> },
              ],
            },
            { path: '*', element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ]);
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </QueryClientProvider>
  );
}
