import type { CoverageLine, CoverageView, CoverageWeek } from '@contract/index.ts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { Button } from '@/components/button.tsx';
import { FeedbackBanners, useFeedback } from '@/components/feedback.tsx';
import { CheckboxField, TextField } from '@/components/field.tsx';
import { TableCard } from '@/components/table.tsx';
import { formatDateTime } from '@/format.ts';
import { describeMessage } from '@/messages.ts';
import { coverageQuery, queryKeys } from '@/queries.ts';

const stateTones: Record<CoverageLine['state'], string> = {
  imported: 'badge-success',
  recorded_not_imported: 'badge-brand',
  waiting_for_zoom: 'badge-neutral',
  not_recorded: 'badge-warning',
  failed: 'badge-warning',
  erased: 'badge-neutral',
};

/** Held / recorded / imported per week as three bars each: small, inline, no chart library. */
export function CoverageChart({ weeks, label }: { weeks: CoverageWeek[]; label: string }) {
  const max = Math.max(1, ...weeks.map((week) => week.held));
  const barWidth = 4;
  const groupWidth = barWidth * 3 + 4;
  const height = 32;
  return (
    <svg
      className="coverage-chart"
      width={weeks.length * groupWidth}
      height={height}
      role="img"
      aria-label={label}
      viewBox={`0 0 ${weeks.length * groupWidth} ${height}`}
    >
      {weeks.map((week, index) =>
        (['held', 'recorded', 'imported'] as const).map((kind, bar) => {
          const value = week[kind];
          const barHeight = Math.round((value / max) * (height - 2));
          return (
            <rect
              key={`${week.weekStart}-${kind}`}
              className={`coverage-bar coverage-bar-${kind}`}
              x={index * groupWidth + bar * barWidth}
              y={height - barHeight}
              width={barWidth - 1}
              height={barHeight}
            >
              <title>{`${week.weekStart}: ${value}`}</title>
            </rect>
          );
        }),
      )}
    </svg>
  );
}

/** One meeting: held → recorded or not → imported or not, in words, with what to do. */
export function CoverageLineText({ line }: { line: CoverageLine }) {
  const { t } = useTranslation();
  return (
    <span
      className="status-cell"
      data-testid="coverage-line"
      data-state={line.state}
      data-reason={line.reason ?? ''}
    >
      <span className={`badge ${stateTones[line.state]}`}>{t(`coverage.state.${line.state}`)}</span>
      {line.reason ? (
        <span>
          {t(
            `coverage.reason.${line.reason === 'automatic_recording_off' && line.reasonParams?.operator ? 'automatic_recording_off_by' : line.reason}`,
            {
              operator: line.reasonParams?.operator ?? '',
              since: line.reasonParams?.since ? formatDateTime(line.reasonParams.since) : '',
            },
          )}
        </span>
      ) : null}
      {line.detail ? <span className="muted">{describeMessage(t, line.detail)}</span> : null}
      {line.action ? <span className="muted">{t(`coverage.action.${line.action}`)}</span> : null}
    </span>
  );
}

function totals(weeks: CoverageWeek[]) {
  return weeks.reduce(
    (sum, week) => ({
      held: sum.held + week.held,
      recorded: sum.recorded + week.recorded,
      imported: sum.imported + week.imported,
    }),
    { held: 0, recorded: 0, imported: 0 },
  );
}

/** The coverage table: per user the numbers, a chart, the alert and their unrecorded meetings. */
export function CoverageTable({ view, showLinks }: { view: CoverageView; showLinks: boolean }) {
  const { t } = useTranslation();
  return (
    <TableCard
      caption="coverage.title"
      testId="coverage-table"
      columns={['coverage.user', 'coverage.numbers', 'coverage.chart', 'coverage.unrecorded']}
      empty={view.users.length === 0 ? t('coverage.noUsers') : null}
    >
      {view.users.map((user) => {
        const sum = totals(user.weeks);
        // Each number agrees with its own word: "1 tenue · 2 enregistrées · 0 importée".
        const numbers = t('coverage.numbersValue', {
          held: t('coverage.held', { count: sum.held }),
          recorded: t('coverage.recorded', { count: sum.recorded }),
          imported: t('coverage.imported', { count: sum.imported }),
        });
        return (
          <tr key={user.userId} data-testid="coverage-user" data-email={user.email}>
            <td>
              {user.name}
              <div className="muted">{user.email}</div>
              {user.isFlagged ? (
                <span className="badge badge-warning" data-testid="coverage-flag">
                  {t('coverage.flagged')}
                </span>
              ) : null}
            </td>
            <td data-testid="coverage-numbers">{numbers}</td>
            <td>
              <CoverageChart
                weeks={user.weeks}
                label={t('coverage.chartLabel', { name: user.name, numbers })}
              />
            </td>
            <td>
              {sum.held === 0 ? (
                <span className="muted">{t('coverage.noneHeld')}</span>
              ) : user.unrecorded.length === 0 ? (
                <span className="muted">{t('coverage.allRecorded')}</span>
              ) : (
                <ul className="coverage-list">
                  {user.unrecorded.slice(0, 5).map((line) => (
                    <li key={line.meetingUuid}>
                      <strong>{line.topic || t('coverage.untitled')}</strong>{' '}
                      <span className="muted">{formatDateTime(line.startTime)}</span>
                      <br />
                      <CoverageLineText line={line} />
                      {showLinks && line.action === 'add_to_recording_group' ? (
                        <Link to="/settings/integrations/zoom/policy"> {t('coverage.openPolicy')}</Link>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        );
      })}
    </TableCard>
  );
}

/** Réglages > Intégrations > Zoom > Imports > Couverture (admins). */
export function CoverageSection() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { data: view, error } = useQuery(coverageQuery);
  const feedback = useFeedback();
  const [excludeInternal, setExcludeInternal] = useState(false);
  const [domains, setDomains] = useState('');
  // The view polls: the form follows the saved settings only when they change, not at every poll.
  const savedSettings = view ? JSON.stringify(view.settings) : null;
  useEffect(() => {
    if (!savedSettings) return;
    const saved = JSON.parse(savedSettings) as CoverageView['settings'];
    setExcludeInternal(saved.excludeInternal);
    setDomains(saved.internalDomains.join(', '));
  }, [savedSettings]);

  const reconcile = useMutation({
    mutationFn: () => api.reconcileCoverage(),
    onSuccess: () => feedback.succeed(t('coverage.reconcileQueued')),
    onError: (cause) => feedback.fail(cause),
  });
  const save = useMutation({
    mutationFn: () =>
      api.saveCoverageSettings({
        excludeInternal,
        internalDomains: domains
          .split(/[\s,;]+/)
          .map((domain) => domain.trim())
          .filter(Boolean),
      }),
    onSuccess: async () => {
      feedback.succeed(t('coverage.saved'));
      await queryClient.invalidateQueries({ queryKey: queryKeys.coverage });
    },
    onError: (cause) => feedback.fail(cause),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <section data-testid="coverage">
      <h2 className="section-title">{t('coverage.title')}</h2>
      <p className="muted">{t('coverage.description')}</p>
      <FeedbackBanners feedback={feedback} loadError={error} />
      {view?.pass?.errorCode ? (
        <Banner tone="warning" testId="coverage-pass-error">
          {t(`coverage.passError.${view.pass.errorCode}`, { defaultValue: t('coverage.passError.other') })}
        </Banner>
      ) : null}
      <div className="toolbar">
        <span className="muted">
          {t('coverage.lastPass', {
            at: view?.pass?.finishedAt ? formatDateTime(view.pass.finishedAt) : t('zoomImports.never'),
          })}
        </span>
        <Button variant="secondary" isBusy={reconcile.isPending} onClick={() => reconcile.mutate()}>
          {t('coverage.reconcile')}
        </Button>
      </div>
      {view ? <CoverageTable view={view} showLinks /> : null}
      <form className="card form" onSubmit={submit} data-testid="coverage-settings">
        <CheckboxField
          label={t('coverage.excludeInternal')}
          checked={excludeInternal}
          onChange={(event) => setExcludeInternal(event.target.checked)}
        />
        <TextField
          label={t('coverage.domains')}
          value={domains}
          onValue={setDomains}
          placeholder={t('coverage.domainsPlaceholder')}
        />
        <div className="form-actions">
          <Button type="submit" variant="secondary" isBusy={save.isPending}>
            {t('coverage.save')}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** Flagged users, for the Integrations page's Zoom card. */
export function CoverageAlert() {
  const { t } = useTranslation();
  const { data: view } = useQuery(coverageQuery);
  const flagged = view?.users.filter((user) => user.isFlagged) ?? [];
  if (flagged.length === 0) return null;
  return (
    <Banner tone="warning" testId="coverage-alert">
      {t('coverage.alert', { count: flagged.length, names: flagged.map((user) => user.name).join(', ') })}{' '}
      <Link to="/settings/integrations/zoom/imports">{t('coverage.alertLink')}</Link>
    </Banner>
  );
}
