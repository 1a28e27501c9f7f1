import type { Team } from '@contract/index.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { FeedbackBanners, useFeedback } from '@/components/feedback.tsx';
import { InlineInput } from '@/components/field.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { queryKeys, sharingSettingsQuery, teamsQuery, usersQuery } from '@/queries.ts';

/** Réglages > Équipes et partage: teams (whose managers see their members' calls) and public links. */
export function TeamsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('teams.title'));
  const queryClient = useQueryClient();
  const teamsResult = useQuery(teamsQuery);
  const teams = teamsResult.data ?? [];
  const usersResult = useQuery(usersQuery);
  const users = usersResult.data ?? [];
  const sharing = useQuery(sharingSettingsQuery);
  const allowPublicLinks = sharing.data?.allowPublicLinks ?? null;
  const [name, setName] = useState('');
  const feedback = useFeedback();

  const create = useMutation({
    mutationFn: (teamName: string) => api.createTeam(teamName),
    onSuccess: async () => {
      setName('');
      feedback.clearError();
      await queryClient.invalidateQueries({ queryKey: queryKeys.teams });
    },
    onError: (cause) => feedback.fail(cause),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name);
  };
  // A tick shows at once (the membership being saved is local state, set in the click's own handler,
  // so the controlled checkbox never snaps back), saves run one after the other (one scope), and the
  // server's answer settles the list once the last save is done: two quick ticks keep both.
  const [savingMembers, setSavingMembers] = useState<Record<string, Team['members']>>({});
  const membersKey = ['team-members'] as const;
  const setMembers = useMutation({
    mutationKey: membersKey,
    scope: { id: 'team-members' },
    mutationFn: ({ teamId, members }: { teamId: string; members: Team['members'] }) =>
      api.setTeamMembers(
        teamId,
        members.map((member) => member.id),
      ),
    onSuccess: (saved) => {
      if (queryClient.isMutating({ mutationKey: membersKey }) > 1) return;
      queryClient.setQueryData<Team[]>(queryKeys.teams, (current) =>
        current?.map((entry) => (entry.id === saved.id ? saved : entry)),
      );
    },
    onError: async (cause) => {
      feedback.fail(cause);
      await queryClient.invalidateQueries({ queryKey: queryKeys.teams });
    },
    onSettled: () => {
      if (queryClient.isMutating({ mutationKey: membersKey }) <= 1) setSavingMembers({});
    },
  });
  const membersOf = (team: Team) => savingMembers[team.id] ?? team.members;
  const toggleMember = (team: Team, userId: string, isMember: boolean) => {
    const others = membersOf(team).filter((member) => member.id !== userId);
    const user = users.find((candidate) => candidate.id === userId);
    const members =
      isMember && user ? [...others, { id: user.id, name: user.name, role: user.role }] : others;
    setSavingMembers((current) => ({ ...current, [team.id]: members }));
    setMembers.mutate({ teamId: team.id, members });
  };
  const savePublicLinks = useMutation({
    mutationFn: (value: boolean) => api.saveSharingSettings({ allowPublicLinks: value }),
    onSuccess: (settings) => {
      queryClient.setQueryData(queryKeys.sharingSettings, settings);
      feedback.succeed(t('teams.saved'));
    },
    onError: (cause) => feedback.fail(cause),
  });

  return (
    <>
      <PageHeader title={t('teams.title')} description={t('teams.subtitle')} />
      <FeedbackBanners
        feedback={feedback}
        loadError={teamsResult.error ?? usersResult.error ?? sharing.error}
      />
      <section className="card">
        <h2 className="section-title">{t('teams.publicLinks')}</h2>
        <label className="checkbox-field">
          <input
            type="checkbox"
            checked={allowPublicLinks ?? false}
            disabled={allowPublicLinks === null || savePublicLinks.isPending}
            onChange={(event) => savePublicLinks.mutate(event.target.checked)}
          />
          <span>{t('teams.allowPublicLinks')}</span>
        </label>
        <p className="muted">{t('teams.publicLinksHint')}</p>
      </section>
      <section className="card">
        <h2 className="section-title">{t('teams.teams')}</h2>
        <form className="inline-form" onSubmit={submit}>
          <InlineInput label={t('teams.name')} required maxLength={100} value={name} onValue={setName} />
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
                      checked={membersOf(team).some((member) => member.id === user.id)}
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
