import type { ZoomConnection, ZoomIntegration } from '@contract/index.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Button } from '@/components/button.tsx';
import { describeError } from '@/errors.ts';

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

/** "If Zoom uninstalls Callport: keep imported calls / delete them after N days (max 10)", saved with PATCH. */
export function UninstallDataSetting({ connection }: { connection: ZoomConnection }) {
  const { t } = useTranslation();
  const [policy, setPolicy] = useState(connection.uninstallDataPolicy);
  const [days, setDays] = useState(connection.uninstallDeleteAfterDays);
  const [notice, setNotice] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const save = async () => {
    setIsBusy(true);
    try {
      await api.updateZoom({ uninstallDataPolicy: policy, uninstallDeleteAfterDays: days });
      setNotice(t('zoomConnection.uninstallSaved'));
    } catch (cause) {
      setNotice(describeError(t, cause));
    } finally {
      setIsBusy(false);
    }
  };
  return (
    <fieldset data-testid="zoom-uninstall-setting">
      <legend>{t('zoomConnection.uninstallTitle')}</legend>
      <label>
        <input type="radio" checked={policy === 'keep'} onChange={() => setPolicy('keep')} />{' '}
        {t('zoomConnection.uninstallKeep')}
      </label>
      <label>
        <input type="radio" checked={policy === 'delete'} onChange={() => setPolicy('delete')} />{' '}
        {t('zoomConnection.uninstallDelete')}{' '}
        <input
          type="number"
          min={0}
          max={10}
          value={days}
          disabled={policy !== 'delete'}
          aria-label={t('zoomConnection.uninstallDays')}
          onChange={(event) => setDays(Math.max(0, Math.min(10, Number(event.target.value) || 0)))}
        />{' '}
        {t('zoomConnection.uninstallDays')}
      </label>
      <div>
        <Button variant="secondary" isBusy={isBusy} onClick={() => void save()}>
          {t('zoomConnection.save')}
        </Button>{' '}
        {notice ? <span role="status">{notice}</span> : null}
      </div>
    </fieldset>
  );
}
