import type { RecordingPolicy } from '@contract/index.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { ConfirmDialog } from '@/components/dialog.tsx';
import { FeedbackBanners, useFeedback } from '@/components/feedback.tsx';
import { InlineSelect, LabelledField } from '@/components/field.tsx';
import { TableCard } from '@/components/table.tsx';
import { formatDateTime } from '@/format.ts';
import { describeMessage } from '@/messages.ts';
import { ZoomTabHeader } from '@/pages/settings/integrations/zoom/zoom-tab-header.tsx';
import { policyAuditQuery } from '@/queries.ts';

const tones = {
  ok: 'badge-success',
  off_policy: 'badge-warning',
  manual: 'badge-outline',
  unknown: 'badge-neutral',
} as const;

type Item = RecordingPolicy['items'][number];

/** A setting's value as the Zoom web portal says it: on/off, "in the cloud", "30 days". */
function useValueInWords() {
  const { t } = useTranslation();
  return (itemId: string, value: unknown): string => {
    if (value === null || value === undefined) return '—';
    if (value === true) return t('zoomPolicy.values.on');
    if (value === false || value === 'none') return t('zoomPolicy.values.off');
    if (value === 'cloud') return t('zoomPolicy.values.cloud');
    if (value === 'local') return t('zoomPolicy.values.local');
    if (typeof value === 'number' && itemId === 'auto_delete_cmr_days')
      return t('zoomPolicy.values.days', { count: value });
    return String(value);
  };
}

/** What "Apply and lock" would change: settings not on policy, and lockable ones not locked yet. */
function pendingChanges(policy: RecordingPolicy): Item[] {
  return policy.items.filter(
    (item) => item.field && (item.status !== 'ok' || (item.isLockable && !item.isLocked)),
  );
}

/** Réglages > Intégrations > Zoom > Règles d'enregistrement: the guide's section 1, audited and applied. */
export function ZoomPolicyPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const policyQuery = useQuery(policyAuditQuery);
  const policy = policyQuery.data ?? null;
  const feedback = useFeedback();
  const [isConfirming, setIsConfirming] = useState(false);
  const [applied, setApplied] = useState<RecordingPolicy | null>(null);
  const [pickedGroup, setPickedGroup] = useState('');
  const [copied, setCopied] = useState<string | null>(null);
  const show = useValueInWords();
  const itemName = (id: string) => t(`zoomPolicy.items.${id}` as 'zoomPolicy.items.cloud_recording');

  // Every change answers with the policy as it now stands: it replaces the cached one.
  const change = useMutation({
    mutationFn: (action: () => Promise<RecordingPolicy>) => action(),
    onSuccess: (after) => {
      queryClient.setQueryData(policyAuditQuery.queryKey, after);
      feedback.clearError();
    },
    onError: (cause) => feedback.fail(cause),
  });
  const run = (action: () => Promise<RecordingPolicy>) => change.mutate(action);
  const isBusy = change.isPending || policyQuery.isFetching;

  const copy = (key: string, text: string) =>
    void navigator.clipboard
      ?.writeText(text)
      .then(() => setCopied(key))
      // The browser refused the clipboard (no permission, page not focused): the button simply does not
      // say "copied", and the text stays on the page to select by hand.
      .catch(() => {});
  const apply = () => {
    setIsConfirming(false);
    run(async () => {
      const after = await api.applyPolicy();
      setApplied(after);
      return after;
    });
  };
  const changes = policy ? pendingChanges(policy) : [];
  const where =
    policy?.scope === 'group'
      ? t('zoomPolicy.confirmWhereGroup', { name: policy.groupName })
      : t('zoomPolicy.confirmWhereAccount');
  return (
    <>
      <ZoomTabHeader
        title={t('zoomPolicy.title')}
        description={t('zoomPolicy.description')}
        actions={
          <>
            <Button variant="secondary" onClick={() => void policyQuery.refetch()} disabled={isBusy}>
              {t('zoomPolicy.audit')}
            </Button>
            <Button
              variant="primary"
              onClick={() => setIsConfirming(true)}
              isBusy={isBusy}
              disabled={!policy || policy.isGroupMissing}
            >
              {t('zoomPolicy.apply')}
            </Button>
          </>
        }
      />
      <FeedbackBanners feedback={feedback} loadError={policyQuery.error} />
      {policy?.isGroupMissing ? (
        <Banner
          tone="warning"
          testId="group-missing"
          title={t('server.recording_group_missing', { name: policy.groupName })}
        >
          <p>{t('zoomPolicy.groupMissingHelp')}</p>
          <div className="toolbar">
            <Button variant="primary" onClick={() => run(() => api.selectRecordingGroup({}))} isBusy={isBusy}>
              {t('zoomPolicy.recreateGroup', { name: policy.groupName })}
            </Button>
            {policy.zoomGroups.length > 0 ? (
              <>
                <InlineSelect
                  label={t('zoomPolicy.pickGroup')}
                  value={pickedGroup}
                  onValue={setPickedGroup}
                  options={[
                    { value: '', label: t('zoomPolicy.pickGroup') },
                    ...policy.zoomGroups.map((group) => ({ value: group.id, label: group.name })),
                  ]}
                />
                <Button
                  variant="secondary"
                  disabled={!pickedGroup}
                  onClick={() => run(() => api.selectRecordingGroup({ groupId: pickedGroup }))}
                >
                  {t('zoomPolicy.useGroup')}
                </Button>
              </>
            ) : null}
            <Button variant="secondary" onClick={() => run(() => api.updatePolicy({ scope: 'account' }))}>
              {t('zoomPolicy.switchToAccount')}
            </Button>
          </div>
        </Banner>
      ) : null}
      {applied ? (
        <Banner
          tone={applied.items.some((item) => item.lastApply?.outcome === 'refused') ? 'warning' : 'success'}
          testId="apply-results"
          title={t('zoomPolicy.appliedTitle')}
          onDismiss={() => setApplied(null)}
        >
          <ul>
            {applied.items
              .filter((item) => item.lastApply && item.lastApply.outcome !== 'skipped')
              .map((item) => (
                <li key={item.id} data-outcome={item.lastApply?.outcome}>
                  {item.lastApply?.outcome === 'applied'
                    ? t('zoomPolicy.acceptedItem', {
                        item: itemName(item.id),
                        value: show(item.id, item.target),
                      })
                    : t('zoomPolicy.refusedItem', {
                        item: itemName(item.id),
                        reason: item.lastApply?.reason ? describeMessage(t, item.lastApply.reason) : '',
                      })}
                  {item.lastApply?.zoomDetail ? <ZoomAnswer detail={item.lastApply.zoomDetail} /> : null}
                </li>
              ))}
          </ul>
        </Banner>
      ) : null}
      <ConfirmDialog
        isOpen={isConfirming}
        title={t('zoomPolicy.confirmTitle')}
        description={where}
        onClose={() => setIsConfirming(false)}
        testId="apply-confirm"
        confirm={
          <Button variant="primary" onClick={apply} disabled={changes.length === 0}>
            {t('zoomPolicy.confirmApply', { count: changes.length })}
          </Button>
        }
      >
        {changes.length === 0 ? (
          <p>{t('zoomPolicy.confirmNothing')}</p>
        ) : (
          <ul>
            {changes.map((item) => (
              <li key={item.id} data-item={item.id}>
                {item.status === 'ok'
                  ? t('zoomPolicy.confirmLock', {
                      item: itemName(item.id),
                      value: show(item.id, item.current),
                    })
                  : t('zoomPolicy.confirmChange', {
                      item: itemName(item.id),
                      from: show(item.id, item.current),
                      to: show(item.id, item.target),
                    })}
                {item.isLockable && item.status !== 'ok' ? ` ${t('zoomPolicy.confirmAndLock')}` : ''}
              </li>
            ))}
          </ul>
        )}
      </ConfirmDialog>
      {policy && policy.drift.length > 0 ? (
        <Banner tone="warning" testId="policy-drift">
          {policy.drift.slice(0, 5).map((entry) => (
            <div key={`${entry.id}-${entry.at}`}>
              {t('zoomPolicy.drift', {
                item: itemName(entry.id),
                from: show(entry.id, entry.from),
                to: show(entry.id, entry.to),
                who: entry.operator ?? t('zoomPolicy.someone'),
                date: formatDateTime(entry.at),
              })}
            </div>
          ))}
        </Banner>
      ) : null}
      {policy ? (
        <div className="card">
          <h2 className="section-title">{t('zoomPolicy.scopeTitle')}</h2>
          <p>
            {t('zoomPolicy.recommendation', {
              count: policy.recommendation.licensedLinked,
              total: policy.recommendation.zoomUsers,
              scope: t(`zoomPolicy.scope.${policy.recommendation.scope}`),
            })}
          </p>
          <p className="muted">{t('zoomPolicy.guideContradiction')}</p>
          <div className="toolbar">
            <LabelledField isBeside label={t('zoomPolicy.scopeLabel')}>
              <InlineSelect
                value={policy.scope}
                onValue={(scope) => run(() => api.updatePolicy({ scope: scope as 'account' | 'group' }))}
                options={(['account', 'group'] as const).map((scope) => ({
                  value: scope,
                  label: t(`zoomPolicy.scope.${scope}`),
                }))}
              />
            </LabelledField>
            <LabelledField isBeside label={t('zoomPolicy.autoDeleteDays')}>
              <InlineSelect
                value={String(policy.autoDeleteDays)}
                onValue={(days) => run(() => api.updatePolicy({ autoDeleteDays: Number(days) as 30 }))}
                options={[30, 60, 90, 120].map((days) => ({ value: String(days), label: String(days) }))}
              />
            </LabelledField>
            {policy.scope === 'group' ? (
              <span className="muted">{t('zoomPolicy.group', { name: policy.groupName })}</span>
            ) : null}
            {policy.scope === 'group' ? (
              <p className="muted" data-testid="group-follows-links">
                {t('policyGroupFollowsLinks.note')}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
      <TableCard
        caption="zoomPolicy.title"
        testId="policy-table"
        columns={['zoomPolicy.item', 'zoomPolicy.target', 'zoomPolicy.current', 'zoomPolicy.status']}
      >
        {(policy?.items ?? []).map((item) => (
          <tr key={item.id} data-testid="policy-row" data-item={item.id} data-status={item.status}>
            <td>
              <strong>{t(`zoomPolicy.items.${item.id}` as 'zoomPolicy.items.cloud_recording')}</strong>
              {item.field ? (
                <details className="muted">
                  <summary>{t('zoomPolicy.apiField')}</summary>
                  <code>{item.field}</code>
                </details>
              ) : null}
              {item.manualSteps ? (
                <details>
                  <summary>{t('zoomPolicy.manualSteps')}</summary>
                  <ol>
                    {item.manualSteps.map((step) => (
                      <li key={step.code}>{describeMessage(t, step)}</li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </td>
            <td>{show(item.id, item.target)}</td>
            <td>
              {show(item.id, item.current)}{' '}
              {item.isLocked ? (
                <span className="badge badge-neutral">🔒 {t('zoomPolicy.locked')}</span>
              ) : null}
            </td>
            <td className="status-cell">
              <span className={`badge ${tones[item.status]}`}>{t(`zoomPolicy.statuses.${item.status}`)}</span>
              {item.status === 'manual' ? (
                <span className="muted">{t('zoomPolicy.notVerifiable')}</span>
              ) : null}
              {item.note ? (
                <span className="muted">
                  {t(`zoomPolicy.notes.${item.note}` as 'zoomPolicy.notes.account_level_only', {
                    defaultValue: item.note,
                  })}
                </span>
              ) : null}
              {item.lastApply?.outcome === 'refused' ? (
                <span className="field-error" data-testid="refused">
                  {t('zoomPolicy.refused', {
                    reason: item.lastApply.reason ? describeMessage(t, item.lastApply.reason) : '',
                  })}
                  {item.lastApply.zoomDetail ? <ZoomAnswer detail={item.lastApply.zoomDetail} /> : null}
                </span>
              ) : null}
              {item.isUnconfirmed ? <span className="muted">{t('zoomPolicy.unconfirmed')}</span> : null}
              {item.isBeyondGuide ? (
                <span className="muted" data-testid="beyond-guide">
                  {t(`policyBeyondGuide.${item.id}` as 'policyBeyondGuide.recording_audio_transcript')}
                </span>
              ) : null}
              {item.manualSteps && item.status === 'manual' ? (
                <label className="inline-field">
                  <input
                    type="checkbox"
                    checked={Boolean(item.confirmedBy)}
                    onChange={(event) => run(() => api.confirmManualItem(item.id, event.target.checked))}
                  />
                  <span>
                    {item.confirmedBy
                      ? t('zoomPolicy.doneBy', { by: item.confirmedBy.by })
                      : t('zoomPolicy.done')}
                  </span>
                </label>
              ) : null}
            </td>
          </tr>
        ))}
      </TableCard>
      {policy ? (
        <div className="card" data-testid="disclaimer">
          <h2 className="section-title">{t('zoomPolicy.disclaimerTitle')}</h2>
          {(['fr', 'en'] as const).map((lang) => (
            <div key={lang}>
              <h3>{lang === 'fr' ? 'Français' : 'English'}</h3>
              <p>
                <strong>{policy.disclaimer[lang].title}</strong>{' '}
                <Button variant="ghost" onClick={() => copy(`${lang}-title`, policy.disclaimer[lang].title)}>
                  {copied === `${lang}-title` ? t('zoomPolicy.copied') : t('zoomPolicy.copy')}
                </Button>
              </p>
              <p>
                {policy.disclaimer[lang].description}{' '}
                <Button
                  variant="ghost"
                  onClick={() => copy(`${lang}-description`, policy.disclaimer[lang].description)}
                >
                  {copied === `${lang}-description` ? t('zoomPolicy.copied') : t('zoomPolicy.copy')}
                </Button>
              </p>
            </div>
          ))}
        </div>
      ) : null}
    </>
  );
}

/** Zoom's own words (code and text, in English), folded: what to quote to Zoom's support. */
function ZoomAnswer({ detail }: { detail: string }) {
  const { t } = useTranslation();
  return (
    <details className="zoom-answer">
      <summary>{t('zoomPolicy.zoomAnswer')}</summary>
      <code className="mono">{detail}</code>
    </details>
  );
}
