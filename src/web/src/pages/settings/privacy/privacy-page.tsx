import type { ErasePersonResult } from '@contract/index.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { ConfirmDialog } from '@/components/dialog.tsx';
import { FeedbackBanners, useFeedback } from '@/components/feedback.tsx';
import { SelectField, TextField } from '@/components/field.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { privacySettingsQuery, queryKeys } from '@/queries.ts';
import { useSession } from '@/session.tsx';

const retentionChoices = [30, 60, 90, 180, 365, 730, 1095];

/** Réglages > Confidentialité: the retention period and erasure of a person on request. */
export function PrivacyPage() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  useDocumentTitle(t('privacy.title'));
  return (
    <>
      <PageHeader
        eyebrow={t('settings.title')}
        title={t('privacy.title')}
        description={t('privacy.subtitle')}
      />
      {isAdmin ? (
        <div className="integration-grid">
          <RetentionCard />
          <ErasePersonCard />
        </div>
      ) : (
        <Banner tone="info">{t('privacy.adminOnly')}</Banner>
      )}
    </>
  );
}

function RetentionCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery(privacySettingsQuery);
  // undefined until the saved setting is known; null is "forever".
  const saved = settings.data?.retentionDays;
  const [picked, setPicked] = useState<string | null>(null);
  const choice = picked ?? (saved ? String(saved) : 'forever');
  const [isConfirming, setIsConfirming] = useState(false);
  const feedback = useFeedback();

  const days = choice === 'forever' ? null : Number(choice);
  const choices = [...new Set([...retentionChoices, ...(saved ? [saved] : [])])].sort((a, b) => a - b);
  const save = useMutation({
    mutationFn: () => api.savePrivacySettings({ retentionDays: days }),
    onSuccess: (result) => {
      queryClient.setQueryData(queryKeys.privacySettings, result);
      // Saving a shorter period erases the older calls: none of them may show from the cache.
      queryClient.removeQueries({ queryKey: queryKeys.calls });
      feedback.succeed(t('privacy.saved'));
      setIsConfirming(false);
    },
    onError: (cause) => feedback.fail(cause),
  });
  const isBusy = save.isPending;

  return (
    <section className="card" data-testid="retention">
      <h2 className="section-title">{t('privacy.retentionTitle')}</h2>
      <FeedbackBanners feedback={feedback} loadError={settings.error} />
      <SelectField
        label={t('privacy.retentionLabel')}
        hint={t('privacy.retentionHint')}
        value={choice}
        disabled={saved === undefined}
        onValue={setPicked}
        options={[
          { value: 'forever', label: t('privacy.forever') },
          ...choices.map((count) => ({ value: String(count), label: t('privacy.days', { count }) })),
        ]}
      />
      <Button
        variant="primary"
        disabled={saved === undefined || days === saved}
        isBusy={isBusy}
        onClick={() => (days ? setIsConfirming(true) : save.mutate())}
      >
        {t('privacy.save')}
      </Button>
      <ConfirmDialog
        isOpen={isConfirming}
        title={t('privacy.confirmRetentionTitle')}
        onClose={() => setIsConfirming(false)}
        confirm={
          <Button variant="danger" isBusy={isBusy} onClick={() => save.mutate()}>
            {t('privacy.confirmRetentionAction')}
          </Button>
        }
      >
        <p>{t('privacy.confirmRetention', { count: days ?? 0 })}</p>
      </ConfirmDialog>
    </section>
  );
}

function ErasePersonCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [otherNames, setOtherNames] = useState('');
  const [isConfirming, setIsConfirming] = useState(false);
  const [result, setResult] = useState<ErasePersonResult | null>(null);
  const feedback = useFeedback();

  const erase = useMutation({
    mutationFn: () =>
      api.erasePerson({
        email,
        otherNames: otherNames
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      }),
    onSuccess: async (erased) => {
      setResult(erased);
      setEmail('');
      setOtherNames('');
      // The person's calls, comments and account may be gone from every list. Cached calls are dropped,
      // not only marked stale: an erased call must not show again while the library refetches.
      queryClient.removeQueries({ queryKey: queryKeys.calls });
      await queryClient.invalidateQueries();
    },
    onError: (cause) => feedback.fail(cause),
    onSettled: () => setIsConfirming(false),
  });
  const isBusy = erase.isPending;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setIsConfirming(true);
  };

  return (
    <section className="card" data-testid="erase-person">
      <h2 className="section-title">{t('privacy.eraseTitle')}</h2>
      <p className="muted">{t('privacy.eraseHint')}</p>
      <FeedbackBanners feedback={feedback} />
      {result ? (
        <Banner tone="success" testId="erase-result" onDismiss={() => setResult(null)}>
          {t('privacy.erased', {
            calls: t('privacy.erasedCalls', { count: result.callsErased }),
            redacted: t('privacy.erasedRedacted', { count: result.callsRedacted }),
            lines: t('privacy.erasedLines', { count: result.transcriptLinesRemoved }),
            messages: t('privacy.erasedMessages', { count: result.chatMessagesRemoved }),
            links: t('privacy.erasedLinks', { count: result.linksRemoved }),
            account: result.accountDeleted ? t('privacy.yes') : t('privacy.no'),
          })}
        </Banner>
      ) : null}
      <form onSubmit={submit}>
        <TextField
          label={t('privacy.emailLabel')}
          type="email"
          required
          autoComplete="off"
          value={email}
          onValue={setEmail}
        />
        <TextField
          label={t('privacy.otherNamesLabel')}
          hint={t('privacy.otherNamesHint')}
          autoComplete="off"
          value={otherNames}
          onValue={setOtherNames}
        />
        <Button type="submit" variant="danger" disabled={!email.trim()}>
          {t('privacy.erase')}
        </Button>
      </form>
      <ConfirmDialog
        isOpen={isConfirming}
        title={t('privacy.confirmEraseTitle', { email: email.trim() })}
        onClose={() => setIsConfirming(false)}
        confirm={
          <Button variant="danger" isBusy={isBusy} onClick={() => erase.mutate()}>
            {t('privacy.confirmEraseAction')}
          </Button>
        }
      >
        <p>{t('privacy.confirmErase')}</p>
      </ConfirmDialog>
    </section>
  );
}
