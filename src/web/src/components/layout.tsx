import type { Language } from '@contract/index.ts';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation } from 'react-router';
import { api } from '@/api.ts';
import { AccountDialog } from '@/components/account-dialog.tsx';
import { Banner } from '@/components/banner.tsx';
import { Icon } from '@/components/icons.tsx';
import { LanguageSwitch } from '@/components/language-switch.tsx';
import { Nav } from '@/components/nav.tsx';
import { describeError } from '@/errors.ts';
import { applyLanguage } from '@/i18n.ts';
import { useSession, useSessionContext } from '@/session.tsx';

export function Logo() {
  return (
    <span className="logo">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" fill="var(--brand)" />
        <path
          d="M8 12a3 3 0 0 1 3-3h6a3 3 0 0 1 3 3v8a3 3 0 0 1-3 3h-6a3 3 0 0 1-3-3zM21 14l4-2.5v9L21 18z"
          fill="#fff"
        />
      </svg>
      <span className="logo-text">Callport</span>
    </span>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = (parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '');
  return letters.toUpperCase() || '?';
}

function Header() {
  const { t } = useTranslation();
  const session = useSession();
  const { signOut, updateUser } = useSessionContext();
  const [languageError, setLanguageError] = useState<string | null>(null);
  const [isSigningOut, setIsSigningOut] = useState(false);
  const [isAccountOpen, setIsAccountOpen] = useState(false);

  const changeLanguage = async (language: Language) => {
    setLanguageError(null);
    await applyLanguage(language);
    try {
      updateUser(await api.updateMyLanguage(language));
    } catch (error) {
      setLanguageError(t('language.saveFailed', { message: describeError(t, error) }));
    }
  };

  return (
    <>
      <header className="topbar">
        <div className="topbar-org">
          <span className="visually-hidden">{t('header.organization')}: </span>
          <span className="org-name" data-testid="organization-name">
            {session.organization.name}
          </span>
          {session.isSandbox ? (
            <span className="badge badge-warning" title={t('header.sandboxHint')} data-testid="sandbox-badge">
              {t('header.sandbox')}
            </span>
          ) : null}
        </div>
        <div className="topbar-actions">
          <LanguageSwitch onChange={(language) => void changeLanguage(language)} />
          <button
            type="button"
            className="user-chip"
            data-testid="current-user"
            title={t('header.account')}
            aria-label={`${t('header.account')}: ${session.user.name}`}
            onClick={() => setIsAccountOpen(true)}
          >
            <span className="avatar" aria-hidden="true">
              {initials(session.user.name)}
            </span>
            <span className="user-chip-text">
              <span className="user-chip-name">{session.user.name}</span>
              <span className="user-chip-email">{session.user.email}</span>
            </span>
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={isSigningOut}
            onClick={() => {
              setIsSigningOut(true);
              // Signed out locally even if the request fails; <RequireSession> then shows the sign-in page.
              signOut().catch(() => setIsSigningOut(false));
            }}
          >
            <Icon name="logout" />
            <span>{t('header.signOut')}</span>
          </button>
        </div>
      </header>
      <AccountDialog isOpen={isAccountOpen} onClose={() => setIsAccountOpen(false)} />
      {languageError ? (
        <div className="topbar-banner">
          <Banner tone="error" onDismiss={() => setLanguageError(null)}>
            {languageError}
          </Banner>
        </div>
      ) : null}
    </>
  );
}

/** After a client-side navigation, move focus to the new page so screen readers announce it. */
function useFocusMainOnNavigation() {
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const previousPath = useRef(pathname);
  useEffect(() => {
    if (previousPath.current === pathname) return;
    previousPath.current = pathname;
    mainRef.current?.focus({ preventScroll: true });
  }, [pathname]);
  return mainRef;
}

export function AppLayout() {
  const { t } = useTranslation();
  const mainRef = useFocusMainOnNavigation();
  return (
    <div className="app-shell">
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="sidebar-brand">
          <Logo />
        </div>
        <Nav />
      </aside>
      <div className="app-main">
        <Header />
        <main id="main" ref={mainRef} className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}

interface PageHeaderProps {
  title: string;
  /** Breadcrumb parent, e.g. "Settings". */
  eyebrow?: string;
  description?: ReactNode;
  actions?: ReactNode;
}

export function PageHeader({ title, eyebrow, description, actions }: PageHeaderProps) {
  return (
    <div className="page-header">
      <div>
        {eyebrow ? <p className="page-eyebrow">{eyebrow}</p> : null}
        <h1 className="page-title">{title}</h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}
