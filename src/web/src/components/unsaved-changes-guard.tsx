import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';
import { Button } from '@/components/button.tsx';
import { Dialog } from '@/components/dialog.tsx';

/**
 * While `isDirty`, leaving the page asks first: any in-app navigation (links, Back, Forward, through
 * the data router's `useBlocker`) opens a dialog, and closing or reloading the tab gets the browser's
 * own prompt (`beforeunload`). Changing only the query string (a filter) stays on the page, unasked.
 */
export function UnsavedChangesGuard({ isDirty, message }: { isDirty: boolean; message: string }) {
  const { t } = useTranslation();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => isDirty && currentLocation.pathname !== nextLocation.pathname,
  );

  useEffect(() => {
    if (!isDirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [isDirty]);

  const isBlocked = blocker.state === 'blocked';
  return (
    <Dialog
      isOpen={isBlocked}
      title={t('unsavedChanges.title')}
      onClose={() => blocker.reset?.()}
      testId="unsaved-dialog"
      footer={
        <>
          <Button variant="secondary" onClick={() => blocker.reset?.()}>
            {t('unsavedChanges.stay')}
          </Button>
          <Button variant="danger" onClick={() => blocker.proceed?.()}>
            {t('unsavedChanges.leave')}
          </Button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
