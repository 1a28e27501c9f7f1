import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { PasswordField, TextField } from '@/components/field.tsx';
import { LanguageSwitch } from '@/components/language-switch.tsx';
import { Logo } from '@/components/layout.tsx';
import { FullPageLoading } from '@/components/require-session.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
import { applyLanguage } from '@/i18n.ts';
import { useSessionContext } from '@/session.tsx';

/** Only same-origin paths: `next` comes from the URL, so it must not become an open redirect. */
function safeNextPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/calls';
  if (next.startsWith('/sign-in')) return '/calls';
  return next;
}

export function SignInPage() {
  const { t } = useTranslation();
  const { state, signedIn } = useSessionContext();
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);
  useDocumentTitle(t('signIn.submit'));

  const next = safeNextPath(searchParams.get('next'));
  if (state.status === 'loading') return <FullPageLoading />;
  if (state.status === 'signed-in' && !isSubmitting) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setIsSubmitting(true);
    try {
      const session = await api.signIn({ email: email.trim(), password });
      signedIn(session);
      void navigate(next, { replace: true });
    } catch (caught) {
      setError(describeError(t, caught));
      setIsSubmitting(false);
    }
  };

  return (
    <div className="auth-page">
      <div className="auth-topbar">
        <Logo />
        <LanguageSwitch onChange={(language) => void applyLanguage(language)} />
      </div>
      <main className="auth-main" id="main">
        <div className="auth-card">
          <h1 className="auth-title">{t('signIn.title')}</h1>
          <p className="auth-subtitle">{t('signIn.subtitle')}</p>
          {searchParams.get('expired') && !error ? (
            <Banner tone="info">{t('signIn.sessionExpired')}</Banner>
          ) : null}
          {error ? (
            <Banner tone="error" testId="sign-in-error">
              {error}
            </Banner>
          ) : null}
          <form className="form" onSubmit={(event) => void submit(event)} noValidate={false}>
            <TextField
              label={t('signIn.email')}
              type="email"
              name="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onValue={setEmail}
            />
            <PasswordField
              label={t('signIn.password')}
              name="password"
              value={password}
              onValue={setPassword}
            />
            <Button type="submit" variant="primary" className="btn-block" isBusy={isSubmitting}>
              {isSubmitting ? t('signIn.submitting') : t('signIn.submit')}
            </Button>
          </form>
        </div>
      </main>
    </div>
  );
}
