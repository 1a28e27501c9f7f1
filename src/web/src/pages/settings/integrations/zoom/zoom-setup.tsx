import type { ZoomConnection, ZoomIntegration } from '@contract/index.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { describeError } from '@/errors.ts';
import { formatDateTime, formatRelativeTime } from '@/format.ts';
import { queryKeys, useAction } from '@/queries.ts';

function CopyButton({ value }: { value: string }) {
  const { t } = useTranslation();
  const [isCopied, setIsCopied] = useState(false);
  return (
    <Button
      variant="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(() => setIsCopied(true));
      }}
    >
      {isCopied ? t('zoomConnection.copied') : t('zoomConnection.copy')}
    </Button>
  );
}

/** What to register in the Zoom Marketplace app (non-sandbox admins). */
export function ZoomAppSetup({ integration }: { integration: ZoomIntegration }) {
  const { t } = useTranslation();
  const scopes = integration.requiredScopes.join(' ');
  const rows: [string, string][] = [
    [t('zoomConnection.redirectUri'), integration.redirectUri],
    [t('zoomConnection.webhookUrl'), integration.webhookUrl],
    [t('zoomConnection.requiredScopes'), scopes],
  ];
  return (
    <details className="card" data-testid="zoom-app-setup">
      <summary>{t('zoomConnection.setupTitle')}</summary>
      <dl className="integration-facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <code className="mono">{value}</code> <CopyButton value={value} />
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/**
 * "If Zoom uninstalls Callport": delete the imported calls after N days (at most 10, Zoom's rule, the
 * default) or keep them, saved with PATCH. Each choice says what it means.
 */
export function UninstallDataSetting({ connection }: { connection: ZoomConnection }) {
  const { t } = useTranslation();
  const [policy, setPolicy] = useState(connection.uninstallDataPolicy);
  const [days, setDays] = useState(connection.uninstallDeleteAfterDays);
  const [notice, setNotice] = useState<string | null>(null);
  const save = useAction(queryKeys.zoomIntegration, {
    onSuccess: () => setNotice(t('zoomConnection.uninstallSaved')),
    onError: (cause) => setNotice(describeError(t, cause)),
  });
  const choices = [
    {
      value: 'delete',
      label: t('zoomConnection.uninstallDelete'),
      hint: t('zoomConnection.uninstallDeleteHint'),
    },
    { value: 'keep', label: t('zoomConnection.uninstallKeep'), hint: t('zoomConnection.uninstallKeepHint') },
  ] as const;
  return (
    <fieldset className="choice-group" data-testid="zoom-uninstall-setting">
      <legend className="choice-group-title">{t('zoomConnection.uninstallTitle')}</legend>
      <p className="field-hint">{t('zoomConnection.uninstallHint')}</p>
      {choices.map((choice) => (
        <label key={choice.value} className="choice" data-checked={policy === choice.value}>
          <input
            type="radio"
            name="uninstall-data-policy"
            value={choice.value}
            checked={policy === choice.value}
            onChange={() => setPolicy(choice.value)}
          />
          <span className="choice-text">
            <span className="choice-label">{choice.label}</span>
            <span className="field-hint">{choice.hint}</span>
          </span>
        </label>
      ))}
      {policy === 'delete' ? (
        <label className="field choice-days">
          <span className="field-label">{t('zoomConnection.uninstallDays')}</span>
          <input
            className="input"
            type="number"
            min={0}
            max={10}
            value={days}
            onChange={(event) => setDays(Math.max(0, Math.min(10, Number(event.target.value) || 0)))}
          />
        </label>
      ) : null}
      <div className="form-actions">
        <Button
          variant="secondary"
          isBusy={save.isPending}
          onClick={() =>
            save.mutate(() => api.updateZoom({ uninstallDataPolicy: policy, uninstallDeleteAfterDays: days }))
          }
        >
          {t('zoomConnection.save')}
        </Button>
        {notice ? <span role="status">{notice}</span> : null}
      </div>
    </fieldset>
  );
}

/**
 * After an uninstall: what happens to the imported calls and when, with a way to keep them while the
 * deletion is still ahead (admins).
 */
export function UninstalledNotice({ connection, isAdmin }: { connection: ZoomConnection; isAdmin: boolean }) {
  const { t } = useTranslation();
  const [isKept, setIsKept] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  if (connection.status !== 'uninstalled' || !connection.endedAt) return null;
  const deletion = isKept ? null : connection.dataDeletionAt;
  const isPast = deletion !== null && new Date(deletion).getTime() <= Date.now();
  const keep = async () => {
    setIsBusy(true);
    try {
      await api.updateZoom({ uninstallDataPolicy: 'keep' });
      setIsKept(true);
      setError(null);
    } catch (cause) {
      setError(describeError(t, cause));
    } finally {
      setIsBusy(false);
    }
  };
  return (
    <Banner
      tone={deletion && !isPast ? 'warning' : 'info'}
      testId="zoom-uninstalled"
      title={t('zoomConnection.uninstalledTitle', { date: formatDateTime(connection.endedAt) })}
      actions={
        isAdmin && deletion && !isPast ? (
          <Button variant="secondary" isBusy={isBusy} onClick={() => void keep()}>
            {t('zoomConnection.keepCalls')}
          </Button>
        ) : null
      }
    >
      <p>
        {deletion === null
          ? isKept
            ? t('zoomConnection.keptNotice')
            : t('zoomConnection.uninstalledKept')
          : isPast
            ? t('zoomConnection.uninstalledDeleted', { date: formatDateTime(deletion) })
            : t('zoomConnection.uninstalledDeleting', {
                date: formatDateTime(deletion),
                relative: formatRelativeTime(deletion),
              })}
      </p>
      {error ? <p className="field-error">{error}</p> : null}
    </Banner>
  );
}
