import type { UserMapping } from '@contract/index.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { FeedbackBanners, useFeedback } from '@/components/feedback.tsx';
import { InlineInput } from '@/components/field.tsx';
import { TableCard } from '@/components/table.tsx';
import { UnsavedChangesGuard } from '@/components/unsaved-changes-guard.tsx';
import { formatDate, formatDateTime } from '@/format.ts';
import { ZoomTabHeader } from '@/pages/settings/integrations/zoom/zoom-tab-header.tsx';
import { queryKeys, userMappingQuery } from '@/queries.ts';

type Draft = Map<string, { zoomUserId: string; method: 'automatic' | 'manual' } | null>;

/**
 * Réglages > Intégrations > Zoom > Utilisateurs: link each Callport user to their Zoom user.
 * "Associer automatiquement" proposes links by e-mail; nothing is stored until "Sauvegarder".
 */
export function ZoomUsersPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const mappingQuery = useQuery(userMappingQuery);
  const mapping = mappingQuery.data ?? null;
  const [draft, setDraft] = useState<Draft>(new Map());
  const feedback = useFeedback();
  const [filter, setFilter] = useState('');
  const isDirty = draft.size > 0;

  const zoomById = useMemo(
    () =>
      new Map(
        (mapping?.zoomUsers ?? []).flatMap((user) =>
          user.zoomUserId ? [[user.zoomUserId, user] as const] : [],
        ),
      ),
    [mapping],
  );
  const effectiveLink = (userId: string) => {
    if (draft.has(userId)) return draft.get(userId) ?? null;
    const link = mapping?.users.find((user) => user.id === userId)?.link;
    return link ? { zoomUserId: link.zoomUserId, method: link.method } : null;
  };
  const setLink = (userId: string, link: { zoomUserId: string; method: 'automatic' | 'manual' } | null) => {
    setDraft((previous) => new Map(previous).set(userId, link));
    feedback.clearNotice();
  };

  const autoAssociate = useMutation({
    mutationFn: () => api.autoAssociate(),
    onSuccess: ({ proposals }) => {
      setDraft((previous) => {
        const next = new Map(previous);
        for (const proposal of proposals)
          next.set(proposal.userId, { zoomUserId: proposal.zoomUserId, method: 'automatic' });
        return next;
      });
      feedback.succeed(t('zoomUsers.proposed', { count: proposals.length }));
    },
    onError: (cause) => feedback.fail(cause),
  });

  const save = useMutation({
    mutationFn: (users: UserMapping['users']) =>
      api.saveLinks({
        links: users.flatMap((user) => {
          const link = effectiveLink(user.id);
          return link ? [{ userId: user.id, zoomUserId: link.zoomUserId, method: link.method }] : [];
        }),
      }),
    onSuccess: async () => {
      // Links decide what is imported and who is in the recording group: every Zoom view is stale.
      await queryClient.invalidateQueries({ queryKey: queryKeys.zoomIntegration });
      setDraft(new Map());
      feedback.succeed(t('zoomUsers.saved'));
    },
    onError: (cause) => feedback.fail(cause),
  });

  const linkedElsewhere = (zoomUserId: string, userId: string) =>
    (mapping?.users ?? []).some(
      (user) => user.id !== userId && effectiveLink(user.id)?.zoomUserId === zoomUserId,
    );
  const visibleUsers = (mapping?.users ?? []).filter(
    (user) => !filter || `${user.name} ${user.email}`.toLowerCase().includes(filter.toLowerCase()),
  );
  const pending = (mapping?.zoomUsers ?? []).filter((user) => user.status === 'pending');
  const unmatched = (mapping?.users ?? []).filter(
    (user) => user.isLicensed && user.isActive && !effectiveLink(user.id),
  );

  return (
    <>
      <ZoomTabHeader
        title={t('zoomUsers.title')}
        description={t('zoomUsers.description')}
        actions={
          <>
            <Button
              variant="secondary"
              onClick={() => autoAssociate.mutate()}
              isBusy={autoAssociate.isPending}
            >
              {t('zoomUsers.autoAssociate')}
            </Button>
            <Button
              variant="primary"
              onClick={() => mapping && save.mutate(mapping.users)}
              isBusy={save.isPending}
              disabled={!isDirty}
            >
              {t('zoomUsers.save')}
            </Button>
          </>
        }
      />
      <UnsavedChangesGuard isDirty={isDirty} message={t('zoomUsers.unsavedConfirm')} />
      <FeedbackBanners feedback={feedback} loadError={mappingQuery.error} noticeTestId="zoom-users-notice" />
      {isDirty ? (
        <Banner tone="warning" testId="unsaved-banner">
          {t('zoomUsers.unsaved')}
        </Banner>
      ) : null}
      <Banner tone="info">{t('zoomUsers.scope')}</Banner>
      <TableCard
        caption="zoomUsers.title"
        testId="zoom-users-table"
        columns={['zoomUsers.callportUser', 'zoomUsers.licence', 'zoomUsers.zoomUser', 'zoomUsers.how']}
        toolbar={
          <div className="toolbar">
            <InlineInput type="search" label={t('zoomUsers.search')} value={filter} onValue={setFilter} />
            <span className="muted">
              {mapping?.lastSyncedAt
                ? t('zoomUsers.lastSync', { date: formatDateTime(mapping.lastSyncedAt) })
                : null}
            </span>
          </div>
        }
      >
        {visibleUsers.map((user) => {
          const link = effectiveLink(user.id);
          return (
            <tr key={user.id} data-testid="zoom-user-row" data-email={user.email.trim()}>
              <td>
                <strong>{user.name}</strong>
                <div className="muted">{user.email}</div>
              </td>
              <td>
                {user.isLicensed ? (
                  <span className="badge badge-success">{t('zoomUsers.licensed')}</span>
                ) : (
                  <span className="badge badge-neutral">{t('zoomUsers.unlicensed')}</span>
                )}
              </td>
              <td>
                <select
                  className="input"
                  aria-label={t('zoomUsers.linkFor', { name: user.name })}
                  value={link?.zoomUserId ?? ''}
                  onChange={(event) =>
                    setLink(
                      user.id,
                      event.target.value ? { zoomUserId: event.target.value, method: 'manual' } : null,
                    )
                  }
                >
                  <option value="">{t('zoomUsers.notLinked')}</option>
                  {(mapping?.zoomUsers ?? [])
                    .filter((zoomUser) => zoomUser.isLinkable)
                    .sort((a, b) =>
                      (a.displayName || a.email).localeCompare(b.displayName || b.email, undefined, {
                        sensitivity: 'base',
                      }),
                    )
                    .map((zoomUser) => (
                      <option
                        key={zoomUser.zoomUserId}
                        value={zoomUser.zoomUserId!}
                        disabled={linkedElsewhere(zoomUser.zoomUserId!, user.id)}
                      >
                        {zoomUser.displayName} · {zoomUser.email}
                        {zoomUser.status === 'inactive' ? ` (${t('zoomUsers.inactive')})` : ''}
                      </option>
                    ))}
                </select>
              </td>
              <td data-testid="link-method">
                {link
                  ? link.method === 'automatic'
                    ? t('zoomUsers.automatic')
                    : t('zoomUsers.manual')
                  : '—'}
                {link && zoomById.get(link.zoomUserId)?.status === 'inactive' ? (
                  <div className="muted">{t('zoomUsers.inactiveWarning')}</div>
                ) : null}
                {user.link ? (
                  <div
                    data-testid="user-import-state"
                    className={user.import?.errorCode ? 'field-error' : 'muted'}
                  >
                    {user.import?.errorCode
                      ? t(`userImport.errors.${user.import.errorCode}`)
                      : user.import?.sweptAt
                        ? t('userImport.backfilled', {
                            count: user.import.recordingsFound,
                            from: user.import.backfillFrom ? formatDate(user.import.backfillFrom) : '',
                          })
                        : t('userImport.pending')}
                  </div>
                ) : null}
              </td>
            </tr>
          );
        })}
      </TableCard>
      <h2 className="section-title">{t('zoomUsers.inbox')}</h2>
      <div className="card" data-testid="unmatched-inbox">
        {unmatched.length === 0 && pending.length === 0 && (mapping?.seenHosts.length ?? 0) === 0 ? (
          <p className="muted">{t('zoomUsers.inboxEmpty')}</p>
        ) : null}
        {unmatched.length > 0 ? (
          <>
            <h3>{t('zoomUsers.unmatchedUsers')}</h3>
            <ul>
              {unmatched.map((user) => (
                <li key={user.id}>
                  {user.name} · {user.email}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {pending.length > 0 ? (
          <>
            <h3>{t('zoomUsers.pendingTitle')}</h3>
            <ul data-testid="pending-users">
              {pending.map((user) => (
                <li key={user.email}>
                  {user.email} — {t('zoomUsers.pendingReason')}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {(mapping?.seenHosts.length ?? 0) > 0 ? (
          <>
            <h3>{t('zoomUsers.seenHosts')}</h3>
            <ul>
              {mapping?.seenHosts.map((host) => (
                <li key={host.zoomUserId}>
                  {host.email ?? host.zoomUserId} — {t('zoomUsers.seenCount', { count: host.recordingsSeen })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </>
  );
}
