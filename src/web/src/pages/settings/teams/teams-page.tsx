import type { Team, User } from '@contract/index.ts';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';

/** Réglages > Équipes et partage: teams (whose managers see their members' calls) and public links. */
export function TeamsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('teams.title'));
  const [teams, setTeams] = useState<Team[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [name, setName] = useState('');
  const [allowPublicLinks, setAllowPublicLinks] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const fail = (cause: unknown) => setError(describeError(t, cause));
  const reload = () => api.listTeams().then(setTeams, fail);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once
  useEffect(() => {
    void reload();
    api.listUsers().then(setUsers, fail);
    api.getSharingSettings().then((settings) => setAllowPublicLinks(settings.allowPublicLinks), fail);
  }, []);

  const create = (event: FormEvent) => {
    event.preventDefault();
    api
      .createTeam(name)
      .then(() => {
        setName('');
        setError(null);
        return reload();
      })
      .catch(fail);
  };
  const toggleMember = (team: Team, userId: string, isMember: boolean) => {
    const others = team.members.filter((member) => member.id !== userId);
    const user = users.find((candidate) => candidate.id === userId);
    const members =
      isMember && user ? [...others, { id: user.id, name: user.name, role: user.role }] : others;
    // Shown at once; the server's answer (or a reload on failure) settles it.
    setTeams((current) => current.map((entry) => (entry.id === team.id ? { ...entry, members } : entry)));
    api
      .setTeamMembers(
        team.id,
        members.map((member) => member.id),
      )
      .then((saved) => setTeams((current) => current.map((entry) => (entry.id === saved.id ? saved : entry))))
      .catch((cause: unknown) => {
        fail(cause);
        void reload();
      });
  };
  const savePublicLinks = (value: boolean) => {
    api
      .saveSharingSettings({ allowPublicLinks: value })
      .then((settings) => {
        setAllowPublicLinks(settings.allowPublicLinks);
        setNotice(t('teams.saved'));
      })
      .catch(fail);
  };

  return (
    <>
      <PageHeader title={t('teams.title')} description={t('teams.subtitle')} />
      {error ? <Banner tone="error">{error}</Banner> : null}
      {notice ? (
        <Banner tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Banner>
      ) : null}
      <section className="card">
        <h2 className="section-title">{t('teams.publicLinks')}</h2>
        <label className="checkbox-field">
          <input
            type="checkbox"
            checked={allowPublicLinks ?? false}
            disabled={allowPublicLinks === null}
            onChange={(event) => savePublicLinks(event.target.checked)}
          />
          <span>{t('teams.allowPublicLinks')}</span>
        </label>
        <p className="muted">{t('teams.publicLinksHint')}</p>
      </section>
      <section className="card">
        <h2 className="section-title">{t('teams.teams')}</h2>
        <form className="inline-form" onSubmit={create}>
          <input
            className="input"
            aria-label={t('teams.name')}
            placeholder={t('teams.name')}
            required
            maxLength={100}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <button type="submit" className="btn btn-primary">
            {t('teams.create')}
          </button>
        </form>
        {teams.map((team) => (
          <fieldset key={team.id} className="team" data-testid="team">
            <legend>{team.name}</legend>
            <ul className="team-members">
              {users.map((user) => (
                <li key={user.id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={team.members.some((member) => member.id === user.id)}
                      onChange={(event) => toggleMember(team, user.id, event.target.checked)}
                    />{' '}
                    {user.name}
                    {user.role === 'manager' ? (
                      <span className="badge badge-brand">{t('teams.manager')}</span>
                    ) : null}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ))}
      </section>
    </>
  );
}
