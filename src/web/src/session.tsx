import type { Session, User } from '@contract/index.ts';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler } from '@/api.ts';
import { applyLanguage } from '@/i18n.ts';

type SessionState =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  /** `expired`: a request answered 401 mid-session; `signed-out`: the user clicked Sign out. */
  | { status: 'signed-out'; reason: 'none' | 'expired' | 'signed-out' }
  | { status: 'signed-in'; session: Session };

interface SessionContextValue {
  state: SessionState;
  /** Stores a fresh session (after sign-in) and applies the user's saved language. */
  signedIn(session: Session): void;
  signOut(): Promise<void>;
  /** Replaces the signed-in user (after `PATCH /api/me` or editing oneself). */
  updateUser(user: User): void;
  reload(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const queryClient = useQueryClient();
  // What one person fetched is never shown to the next one who signs in on this browser.
  const forgetData = useCallback(() => queryClient.clear(), [queryClient]);

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    // The user's saved language wins over the browser's and the sign-in page's choice.
    void applyLanguage(session.user.language);
    setState({ status: 'signed-in', session });
  }, []);

  // `attempt` is a dependency on purpose: bumping it (reload) probes the session again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    api.getSession(controller.signal).then(
      (session) => {
        if (controller.signal.aborted) return;
        if (session) signedIn(session);
        else setState({ status: 'signed-out', reason: 'none' });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [signedIn, attempt]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      forgetData();
      setState({ status: 'signed-out', reason: 'expired' });
    });
    return () => setUnauthenticatedHandler(null);
  }, [forgetData]);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setCsrfToken(null);
      forgetData();
      setState({ status: 'signed-out', reason: 'signed-out' });
    }
  }, [forgetData]);

  const updateUser = useCallback((user: User) => {
    setState((current) =>
      current.status === 'signed-in' && current.session.user.id === user.id
        ? { status: 'signed-in', session: { ...current.session, user } }
        : current,
    );
  }, []);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const value = useMemo(
    () => ({ state, signedIn, signOut, updateUser, reload }),
    [state, signedIn, signOut, updateUser, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionContext must be used inside <SessionProvider>');
  return value;
}

/** The signed-in session; only for components rendered behind `<RequireSession>`. */
export function useSession(): Session & { isAdmin: boolean } {
  const { state } = useSessionContext();
  if (state.status !== 'signed-in') throw new Error('useSession needs a signed-in session');
  return { ...state.session, isAdmin: state.session.user.role === 'admin' };
}
