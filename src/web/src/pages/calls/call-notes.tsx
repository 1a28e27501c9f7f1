import type { CallDetail } from '@contract/index.ts';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { InlineInput, InlineSelect, LabelledField } from '@/components/field.tsx';
import { describeError } from '@/errors.ts';
import { formatClock, formatDate, parseClock } from '@/format.ts';
import { colleaguesQuery, queryKeys, sharesQuery, useAction } from '@/queries.ts';

type NotesProps = {
  call: CallDetail;
  currentMs: number;
  seek(ms: number): void;
  playRange(startMs: number, endMs: number): void;
};

/** Highlights and timestamped comments of a call: listed, playable, and added by anyone who sees it. */
export function CallNotes({ call, currentMs, seek, playRange }: NotesProps) {
  const { t } = useTranslation();
  const [title, setTitle] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);

  // A note is part of the call (and of what its sharing can point at): the call is read again.
  const add = useAction(queryKeys.call(call.id), {
    onSuccess: () => setError(null),
    onError: (cause) => setError(describeError(t, cause)),
  });
  const addHighlight = (event: FormEvent) => {
    event.preventDefault();
    const startMs = parseClock(start || formatClock(currentMs));
    const endMs = parseClock(end || formatClock(currentMs + 30_000));
    if (startMs === null || endMs === null) {
      setError(t('notes.badTime'));
      return;
    }
    add.mutate(async () => {
      await api.addHighlight(call.id, { title, startMs, endMs });
      setTitle('');
      setStart('');
      setEnd('');
    });
  };
  const addComment = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(async () => {
      await api.addComment(call.id, { atMs: Math.floor(currentMs), body: comment });
      setComment('');
    });
  };

  return (
    <section className="card" aria-label={t('notes.title')} data-testid="notes">
      <NoteSection
        title={t('notes.highlights')}
        banner={error ? <Banner tone="error">{error}</Banner> : null}
        emptyText={t('notes.noHighlights')}
        testId="highlights"
        notes={call.highlights}
        renderNote={(highlight) => (
          <>
            <button
              type="button"
              className="link-button"
              onClick={() => playRange(highlight.startMs, highlight.endMs)}
            >
              {t('notes.play', { start: formatClock(highlight.startMs), end: formatClock(highlight.endMs) })}
            </button>{' '}
            <strong>{highlight.title}</strong> <span className="muted">{highlight.author ?? ''}</span>
          </>
        )}
        onAdd={addHighlight}
        addLabel={t('notes.addHighlight')}
      >
        <InlineInput
          label={t('notes.highlightTitle')}
          required
          maxLength={200}
          value={title}
          onValue={setTitle}
        />
        <InlineInput
          className="input input-narrow"
          label={t('notes.start')}
          placeholder={formatClock(currentMs)}
          value={start}
          onValue={setStart}
        />
        <InlineInput
          className="input input-narrow"
          label={t('notes.end')}
          placeholder={formatClock(currentMs + 30_000)}
          value={end}
          onValue={setEnd}
        />
      </NoteSection>

      <NoteSection
        title={t('notes.comments')}
        emptyText={t('notes.noComments')}
        testId="comments"
        notes={call.comments}
        renderNote={(entry) => (
          <>
            <button type="button" className="link-button" onClick={() => seek(entry.atMs)}>
              <span className="mono">{formatClock(entry.atMs)}</span>
            </button>{' '}
            <strong>{entry.author ?? ''}</strong> {entry.body}
          </>
        )}
        onAdd={addComment}
        addLabel={t('notes.addComment', { at: formatClock(currentMs) })}
      >
        <InlineInput
          label={t('notes.comment')}
          required
          maxLength={4000}
          rows={2}
          value={comment}
          onValue={setComment}
        />
      </NoteSection>
    </section>
  );
}

interface NoteSectionProps<Note> {
  title: string;
  /** Shown under the title (what went wrong adding a note). */
  banner?: ReactNode;
  emptyText: string;
  testId: string;
  notes: Note[];
  renderNote: (note: Note) => ReactNode;
  onAdd: (event: FormEvent) => void;
  addLabel: string;
  /** The form's boxes, before its submit button. */
  children: ReactNode;
}

/** One kind of note of a call: its list (or that there is none yet), then the inline form that adds one. */
function NoteSection<Note extends { id: string }>({
  title,
  banner,
  emptyText,
  testId,
  notes,
  renderNote,
  onAdd,
  addLabel,
  children,
}: NoteSectionProps<Note>) {
  return (
    <>
      <h2 className="section-title">{title}</h2>
      {banner}
      {notes.length === 0 ? <p className="muted">{emptyText}</p> : null}
      <ul className="note-list" data-testid={testId}>
        {notes.map((note) => (
          <li key={note.id}>{renderNote(note)}</li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={onAdd}>
        {children}
        <button type="submit" className="btn btn-secondary">
          {addLabel}
        </button>
      </form>
    </>
  );
}

/** Share a call with a colleague, or through a public link (to the call or a highlight) that expires. */
export function CallSharing({ call }: { call: CallDetail }) {
  const { t } = useTranslation();
  const sharesResult = useQuery(sharesQuery(call.id));
  const shares = sharesResult.data ?? [];
  const colleagues = useQuery(colleaguesQuery).data ?? [];
  const [colleague, setColleague] = useState('');
  const [target, setTarget] = useState('');
  const [days, setDays] = useState('7');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const change = useAction(queryKeys.shares(call.id), {
    onSuccess: () => setError(null),
    onError: (cause) => setError(describeError(t, cause)),
  });
  const run = (action: () => Promise<unknown>) => change.mutate(action);
  const createLink = () =>
    run(() =>
      api
        .shareCall(call.id, {
          kind: 'public',
          expiresInDays: Number(days),
          ...(target ? { highlightId: target } : {}),
        })
        .then((share) => setLink(share.url ? `${window.location.origin}${share.url}` : null)),
    );
  const nameOf = (id: string) => colleagues.find((person) => person.id === id)?.name ?? '';
  const active = shares.filter((share) => !share.revokedAt);
  return (
    <section className="card" aria-label={t('sharing.title')} data-testid="sharing">
      <h2 className="section-title">{t('sharing.title')}</h2>
      {error ? <Banner tone="error">{error}</Banner> : null}
      {sharesResult.error ? <Banner tone="error">{describeError(t, sharesResult.error)}</Banner> : null}
      <div className="inline-form">
        <InlineSelect
          label={t('sharing.colleague')}
          value={colleague}
          onValue={setColleague}
          options={[
            { value: '', label: t('sharing.pickColleague') },
            ...colleagues.map((person) => ({ value: person.id, label: person.name })),
          ]}
        />
        <button
          type="button"
          className="btn btn-secondary"
          disabled={!colleague}
          onClick={() => run(() => api.shareCall(call.id, { kind: 'user', userId: colleague }))}
        >
          {t('sharing.shareWithColleague')}
        </button>
      </div>
      {call.canSharePublicly ? (
        <div className="inline-form inline-form-fields">
          <LabelledField label={t('sharing.what')}>
            <InlineSelect
              value={target}
              onValue={setTarget}
              options={[
                { value: '', label: t('sharing.wholeCall') },
                ...call.highlights.map((highlight) => ({
                  value: highlight.id,
                  label: t('sharing.highlight', { title: highlight.title }),
                })),
              ]}
            />
          </LabelledField>
          <LabelledField label={t('sharing.expiresIn')}>
            <InlineSelect
              value={days}
              onValue={setDays}
              options={['1', '7', '30', '90'].map((value) => ({
                value,
                label: t('sharing.days', { count: Number(value) }),
              }))}
            />
          </LabelledField>
          <button type="button" className="btn btn-secondary" onClick={createLink}>
            {t('sharing.createLink')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('sharing.publicLinksOff')}</p>
      )}
      {link ? (
        <p>
          <LabelledField isBeside label={t('sharing.link')}>
            <input className="input" readOnly value={link} data-testid="public-link" />
          </LabelledField>
        </p>
      ) : null}
      {active.length > 0 ? (
        <ul className="note-list" data-testid="shares">
          {active.map((share) => (
            <li key={share.id}>
              {share.kind === 'user'
                ? t('sharing.withColleague', {
                    name: share.sharedWith?.name || nameOf(share.sharedWith?.id ?? ''),
                  })
                : t('sharing.publicUntil', {
                    date: formatDate(share.expiresAt ?? ''),
                  })}{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => run(() => api.revokeShare(call.id, share.id))}
              >
                {t('sharing.revoke')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
