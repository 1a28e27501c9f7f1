import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { FormDialog } from '@/components/dialog.tsx';
import { PasswordField } from '@/components/field.tsx';
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
    <FormDialog
      title={t('account.title')}
      description={t('account.help')}
      onClose={onClose}
      testId="account-dialog"
      formId="change-password-form"
      submitLabel={t('account.submit')}
      isSubmitting={change.isPending}
      isDone={isDone}
    >
      {isDone ? (
        <Banner tone="success">{t('account.changed')}</Banner>
      ) : (
        <form id="change-password-form" className="form" onSubmit={submit}>
          {error ? <Banner tone="error">{error}</Banner> : null}
          <PasswordField label={t('account.current')} value={current} onValue={setCurrent} />
          <PasswordField
            label={t('account.new')}
            hint={t('account.tooShort', { count: minimumLength })}
            isNew
            minLength={minimumLength}
            value={next}
            onValue={setNext}
          />
          <PasswordField label={t('account.confirm')} isNew value={confirmation} onValue={setConfirmation} />
        </form>
      )}
    </FormDialog>
  );
}
