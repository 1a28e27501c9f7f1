import type { ErasePersonResult } from '@contract/index.ts';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { Dialog } from '@/components/dialog.tsx';
import { SelectField, TextField } from '@/components/field.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
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
  const [saved, setSaved] = useState<number | null | undefined>(undefined);
  const [choice, setChoice] = useState('forever');
  const [isConfirming, setIsConfirming] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .getPrivacySettings()
      .then(({ retentionDays }) => {
        setSaved(retentionDays);
        setChoice(retentionDays ? String(retentionDays) : 'forever');
      })
      .catch((cause: unknown) => setError(describeError(t, cause)));
  }, [t]);

  const days = choice === 'forever' ? null : Number(choice);
  const choices = [...new Set([...retentionChoices, ...(saved ? [saved] : [])])].sort((a, b) => a - b);
  const save = async () => {
    setIsBusy(true);
    try {
      const result = await api.savePrivacySettings({ retentionDays: days });
      setSaved(result.retentionDays);
      setNotice(t('privacy.saved'));
      setIsConfirming(false);
    } catch (cause) {
      setError(describeError(t, cause));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card" data-testid="retention">
      <h2 className="section-title">{t('privacy.retentionTitle')}</h2>
      {error ? (
        <Banner tone="error" onDismiss={() => setError(null)}>
          {error}
        </Banner>
      ) : null}
      {notice ? (
        <Banner tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Banner>
      ) : null}
      <SelectField
        label={t('privacy.retentionLabel')}
        hint={t('privacy.retentionHint')}
        value={choice}
        disabled={saved === undefined}
        onChange={(event) => setChoice(event.target.value)}
        options={[
          { value: 'forever', label: t('privacy.forever') },
          ...choices.map((count) => ({ value: String(count), label: t('privacy.days', { count }) })),
        ]}
      />
      <Button
        variant="primary"
        disabled={saved === undefined || days === saved}
        isBusy={isBusy}
        onClick={() => (days ? setIsConfirming(true) : void save())}
      >
        {t('privacy.save')}
      </Button>
      <Dialog
        isOpen={isConfirming}
        title={t('privacy.confirmRetentionTitle')}
        onClose={() => setIsConfirming(false)}
        footer={
          <>
            <Button onClick={() => setIsConfirming(false)}>{t('privacy.cancel')}</Button>
            <Button variant="danger" isBusy={isBusy} onClick={() => void save()}>
              {t('privacy.confirmRetentionAction')}
            </Button>
          </>
        }
      >
        <p>{t('privacy.confirmRetention', { count: days ?? 0 })}</p>
      </Dialog>
    </section>
  );
}

function ErasePersonCard() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [otherNames, setOtherNames] = useState('');
  const [isConfirming, setIsConfirming] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [result, setResult] = useState<ErasePersonResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const erase = async () => {
    setIsBusy(true);
    try {
      const names = otherNames
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      setResult(await api.erasePerson({ email, otherNames: names }));
      setEmail('');
      setOtherNames('');
    } catch (cause) {
      setError(describeError(t, cause));
    } finally {
      setIsBusy(false);
      setIsConfirming(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setIsConfirming(true);
  };

  return (
    <section className="card" data-testid="erase-person">
      <h2 className="section-title">{t('privacy.eraseTitle')}</h2>
      <p className="muted">{t('privacy.eraseHint')}</p>
      {error ? (
        <Banner tone="error" onDismiss={() => setError(null)}>
          {error}
        </Banner>
      ) : null}
      {result ? (
        <Banner tone="success" testId="erase-result" onDismiss={() => setResult(null)}>
          {t('privacy.erased', {
            ...result,
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
          onChange={(event) => setEmail(event.target.value)}
        />
        <TextField
          label={t('privacy.otherNamesLabel')}
          hint={t('privacy.otherNamesHint')}
          autoComplete="off"
          value={otherNames}
          onChange={(event) => setOtherNames(event.target.value)}
        />
        <Button type="submit" variant="danger" disabled={!email.trim()}>
          {t('privacy.erase')}
        </Button>
      </form>
      <Dialog
        isOpen={isConfirming}
        title={t('privacy.confirmEraseTitle', { email: email.trim() })}
        onClose={() => setIsConfirming(false)}
        footer={
          <>
            <Button onClick={() => setIsConfirming(false)}>{t('privacy.cancel')}</Button>
            <Button variant="danger" isBusy={isBusy} onClick={() => void erase()}>
              {t('privacy.confirmEraseAction')}
            </Button>
          </>
        }
      >
        <p>{t('privacy.confirmErase')}</p>
      </Dialog>
    </section>
  );
}
