import type { User } from '@contract/index.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { ConfirmDialog } from '@/components/dialog.tsx';
import { EmptyState } from '@/components/empty-state.tsx';
import { Icon } from '@/components/icons.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { FullPageLoading } from '@/components/require-session.tsx';
import { Table } from '@/components/table.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
import { applyLanguage } from '@/i18n.ts';
import { ImportUsersDialog } from '@/pages/settings/users/import-users-dialog.tsx';
import { UserFormDialog } from '@/pages/settings/users/user-form-dialog.tsx';
import { queryKeys, usersQuery } from '@/queries.ts';
import { useSession, useSessionContext } from '@/session.tsx';

type OpenDialog =
  | { kind: 'none' }
  | { kind: 'add' }
  | { kind: 'edit'; user: User }
  | { kind: 'import' }
  | { kind: 'deactivate'; user: User };

type ListState =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; users: User[] };

function byName(a: User, b: User): number {
  return a.name.localeCompare(b.name) || a.email.localeCompare(b.email);
}

export function UsersPage() {
  const { t } = useTranslation();
  const { isAdmin } = useSession();
  useDocumentTitle(t('users.title'));
  return (
    <>
      <PageHeader eyebrow={t('settings.title')} title={t('users.title')} description={t('users.subtitle')} />
      {isAdmin ? (
        <UsersAdmin />
      ) : (
        <Banner tone="info" testId="users-read-only">
          {t('users.readOnly')}
        </Banner>
      )}
    </>
  );
}

function UsersAdmin() {
  const { t } = useTranslation();
  const session = useSession();
  const { updateUser: updateSessionUser } = useSessionContext();
  const searchId = useId();
  const queryClient = useQueryClient();
  const usersResult = useQuery(usersQuery);
  // A failed refresh keeps the list that was there; only a first load that fails shows the error.
  const list: ListState = usersResult.data
    ? { status: 'ready', users: usersResult.data.toSorted(byName) }
    : usersResult.error
      ? { status: 'error', error: usersResult.error }
      : { status: 'loading' };
  const [query, setQuery] = useState('');
  const [dialog, setDialog] = useState<OpenDialog>({ kind: 'none' });
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  // Who is licensed and active decides the Zoom links and the colleagues one can share with.
  const invalidateDependents = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.userMapping }),
      queryClient.invalidateQueries({ queryKey: queryKeys.colleagues }),
    ]);
  const replaceUser = (user: User) => {
    queryClient.setQueryData<User[]>(queryKeys.users, (current) =>
      current ? [...current.filter((u) => u.id !== user.id), user] : current,
    );
    void invalidateDependents();
    if (user.id === session.user.id) {
      updateSessionUser(user);
      void applyLanguage(user.language);
    }
  };

  // Keep one's own row in step with changes made from the header (language).
  const sessionUser = session.user;
  useEffect(() => {
    queryClient.setQueryData<User[]>(queryKeys.users, (current) =>
      current?.map((u) => (u.id === sessionUser.id ? sessionUser : u)),
    );
  }, [queryClient, sessionUser]);

  const setActiveMutation = useMutation({
    mutationFn: ({ user, isActive }: { user: User; isActive: boolean }) =>
      api.updateUser(user.id, { isActive }),
    onMutate: () => {
      setActionError(null);
      setNotice(null);
    },
    onSuccess: (updated, { isActive }) => {
      replaceUser(updated);
      setNotice(t(isActive ? 'users.reactivated_toast' : 'users.deactivated_toast', { name: updated.name }));
    },
    onError: (error) => setActionError(describeError(t, error, { conflict: t('errors.last_admin') })),
    onSettled: () => setDialog({ kind: 'none' }),
  });
  const setActive = (user: User, isActive: boolean) => setActiveMutation.mutate({ user, isActive });
  const busyUserId = setActiveMutation.isPending ? (setActiveMutation.variables?.user.id ?? null) : null;

  const visibleUsers = useMemo(() => {
    if (list.status !== 'ready') return [];
    const needle = query.trim().toLowerCase();
    if (!needle) return list.users;
    return list.users.filter(
      (user) => user.name.toLowerCase().includes(needle) || user.email.toLowerCase().includes(needle),
    );
  }, [list, query]);

  const columns = [
    { key: 'name', label: t('users.column.name') },
    { key: 'email', label: t('users.column.email') },
    { key: 'role', label: t('users.column.role') },
    { key: 'seat', label: t('users.column.seat') },
    { key: 'language', label: t('users.column.language') },
    { key: 'status', label: t('users.column.status') },
    {
      key: 'actions',
      label: <span className="visually-hidden">{t('users.column.actions')}</span>,
      className: 'col-actions',
    },
  ];

  return (
    <>
      <div className="toolbar">
        <div className="search">
          <label htmlFor={searchId} className="visually-hidden">
            {t('users.searchLabel')}
          </label>
          <Icon name="search" className="search-icon" />
          <input
            id={searchId}
            type="search"
            className="input search-input"
            placeholder={t('users.searchPlaceholder')}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
        <div className="toolbar-actions">
          <Button icon={<Icon name="upload" />} onClick={() => setDialog({ kind: 'import' })}>
            {t('users.import')}
          </Button>
          <Button variant="primary" icon={<Icon name="plus" />} onClick={() => setDialog({ kind: 'add' })}>
            {t('users.add')}
          </Button>
        </div>
      </div>

      <div className="banner-area">
        {notice ? (
          <Banner tone="success" onDismiss={() => setNotice(null)} testId="users-notice">
            {notice}
          </Banner>
        ) : null}
        {actionError ? (
          <Banner tone="error" onDismiss={() => setActionError(null)}>
            {actionError}
          </Banner>
        ) : null}
      </div>

      {list.status === 'loading' ? <FullPageLoading /> : null}
      {list.status === 'error' ? (
        <Banner
          tone="error"
          title={t('users.loadFailed')}
          actions={<Button onClick={() => void usersResult.refetch()}>{t('common.retry')}</Button>}
        >
          {describeError(t, list.error)}
        </Banner>
      ) : null}
      {list.status === 'ready' && list.users.length === 0 ? (
        <EmptyState icon="users" title={t('users.emptyTitle')}>
          <p>{t('users.emptyBody')}</p>
        </EmptyState>
      ) : null}
      {list.status === 'ready' && list.users.length > 0 ? (
        <div className="card card-flush">
          <p className="table-summary" aria-live="polite">
            {t('users.activeUsers', { count: list.users.filter((u) => u.isActive).length })}
            {' · '}
            {t('users.seatsUsed', { count: list.users.filter((u) => u.isActive && u.isLicensed).length })}
          </p>
          <Table caption={t('users.tableCaption')} columns={columns} testId="users-table">
            {visibleUsers.map((user) => {
              const isSelf = user.id === session.user.id;
              return (
                <tr
                  key={user.id}
                  className={user.isActive ? undefined : 'is-inactive'}
                  data-testid="user-row"
                  data-email={user.email}
                >
                  <th scope="row" className="cell-name">
                    {user.name}
                    {isSelf ? <span className="badge badge-outline badge-you">{t('users.you')}</span> : null}
                  </th>
                  <td className="cell-email">{user.email}</td>
                  <td>
                    <span className={`badge ${user.role === 'admin' ? 'badge-brand' : 'badge-neutral'}`}>
                      {user.role === 'admin'
                        ? t('common.admin')
                        : user.role === 'manager'
                          ? t('teams.manager')
                          : t('common.member')}
                    </span>
                  </td>
                  <td>
                    {user.isLicensed ? (
                      <span className="badge badge-success" data-testid="seat-badge">
                        {t('users.licensed')}
                      </span>
                    ) : (
                      <span className="badge badge-outline">{t('users.unlicensed')}</span>
                    )}
                  </td>
                  <td>
                    <span lang={user.language}>{t(`language.${user.language}`)}</span>
                  </td>
                  <td>
                    <span
                      className={`status-pill ${user.isActive ? 'status-pill-success' : 'status-pill-neutral'}`}
                    >
                      <span className="status-dot" aria-hidden="true" />
                      {user.isActive ? t('users.active') : t('users.deactivated')}
                    </span>
                  </td>
                  <td className="col-actions">
                    <div className="row-actions">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={t('users.editUser', { name: user.name })}
                        onClick={() => setDialog({ kind: 'edit', user })}
                      >
                        {t('users.edit')}
                      </Button>
                      {user.isActive ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          className="btn-danger-text"
                          aria-label={t('users.deactivateUser', { name: user.name })}
                          title={isSelf ? t('users.cannotDeactivateSelf') : undefined}
                          disabled={isSelf}
                          isBusy={busyUserId === user.id}
                          onClick={() => setDialog({ kind: 'deactivate', user })}
                        >
                          {t('users.deactivate')}
                        </Button>
                      ) : (
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={t('users.reactivateUser', { name: user.name })}
                          isBusy={busyUserId === user.id}
                          onClick={() => setActive(user, true)}
                        >
                          {t('users.reactivate')}
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </Table>
          {visibleUsers.length === 0 ? <p className="table-empty">{t('users.noMatch', { query })}</p> : null}
        </div>
      ) : null}

      <UserFormDialog
        isOpen={dialog.kind === 'add' || dialog.kind === 'edit'}
        user={dialog.kind === 'edit' ? dialog.user : null}
        isSelf={dialog.kind === 'edit' && dialog.user.id === session.user.id}
        onClose={() => setDialog({ kind: 'none' })}
        onSaved={(user, kind) => {
          setActionError(null);
          replaceUser(user);
          setNotice(
            t(kind === 'created' ? 'users.created_toast' : 'users.updated_toast', { name: user.name }),
          );
          setDialog({ kind: 'none' });
        }}
      />
      <ImportUsersDialog
        isOpen={dialog.kind === 'import'}
        onClose={() => setDialog({ kind: 'none' })}
        onImported={() =>
          void Promise.all([
            queryClient.invalidateQueries({ queryKey: queryKeys.users }),
            invalidateDependents(),
          ])
        }
      />
      <ConfirmDialog
        isOpen={dialog.kind === 'deactivate'}
        title={dialog.kind === 'deactivate' ? t('users.deactivateTitle', { name: dialog.user.name }) : ''}
        onClose={() => setDialog({ kind: 'none' })}
        testId="deactivate-dialog"
        confirm={
          dialog.kind === 'deactivate' ? (
            <Button
              variant="danger"
              isBusy={busyUserId === dialog.user.id}
              onClick={() => setActive(dialog.user, false)}
            >
              {t('users.deactivate')}
            </Button>
          ) : null
        }
      >
        {dialog.kind === 'deactivate' ? <p>{t('users.deactivateBody', { name: dialog.user.name })}</p> : null}
      </ConfirmDialog>
    </>
  );
}
