import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { Dialog } from '@/components/dialog.tsx';
import { TextField } from '@/components/field.tsx';
import { describeError } from '@/errors.ts';

const minimumLength = 12;

/** "Your account": the signed-in person changes their own password (their other sessions end). */
export function AccountDialog({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  return isOpen ? <PasswordForm onClose={onClose} /> : null;
}

function PasswordForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () => api.changePassword({ currentPassword: current, newPassword: next }),
    onError: (caught) =>
      setError(
        describeError(t, caught, {
          current_password_incorrect: t('account.currentIncorrect'),
          validation_failed: t('account.tooShort', { count: minimumLength }),
        }),
      ),
  });
  const isDone = change.isSuccess;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    if (next.length < minimumLength) return setError(t('account.tooShort', { count: minimumLength }));
    if (next !== confirmation) return setError(t('account.mismatch'));
    change.mutate();
  };

  return (
    <Dialog
      isOpen
      title={t('account.title')}
      description={isDone ? undefined : t('account.help')}
      onClose={onClose}
      testId="account-dialog"
      footer={
        isDone ? (
          <Button variant="primary" onClick={onClose}>
            {t('common.close')}
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" form="change-password-form" variant="primary" isBusy={change.isPending}>
              {t('account.submit')}
            </Button>
          </>
        )
      }
    >
      {isDone ? (
        <Banner tone="success">{t('account.changed')}</Banner>
      ) : (
        <form id="change-password-form" className="form" onSubmit={submit}>
          {error ? <Banner tone="error">{error}</Banner> : null}
          <TextField
            label={t('account.current')}
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onValue={setCurrent}
          />
          <TextField
            label={t('account.new')}
            hint={t('account.tooShort', { count: minimumLength })}
            type="password"
            autoComplete="new-password"
            required
            minLength={minimumLength}
            value={next}
            onValue={setNext}
          />
          <TextField
            label={t('account.confirm')}
            type="password"
            autoComplete="new-password"
            required
            value={confirmation}
            onValue={setConfirmation}
          />
        </form>
      )}
    </Dialog>
  );
}
