import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { Banner } from '@/components/banner.tsx';
import { InlineInput } from '@/components/field.tsx';
import { PageHeader } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
import { formatClock, formatDateTime, formatDuration } from '@/format.ts';
import { CallNotes, CallSharing } from '@/pages/calls/call-notes.tsx';
import { callQuery, transcriptSearchQuery } from '@/queries.ts';

/** Zoom's chat file stamps messages with the time since the recording started, `HH:MM:SS`. */
function chatMs(at: string): number {
  const [hours = 0, minutes = 0, seconds = 0] = at.split(':').map(Number);
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/**
 * A call: the player with captions, the transcript in sync (click a line to seek), search within the
 * transcript, the chat, talk-time. `?t=` (seconds) opens it at a moment, `?q=` searches the transcript.
 */
export function CallPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const callResult = useQuery(callQuery(id));
  const call = callResult.data ?? null;
  const error = callResult.error
    ? describeError(t, callResult.error, { not_found: t('server.call_not_found') })
    : null;
  const [currentMs, setCurrentMs] = useState(0);
  const [findText, setFindText] = useState(params.get('q') ?? '');
  const [foundIndex, setFoundIndex] = useState(0);
  const player = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  const startAt = Number(params.get('t') ?? '') || 0;
  useDocumentTitle(call?.topic ?? t('calls.title'));

  const stopAt = useRef<number | null>(null);

  // Opening at a moment: the player seeks there once it knows the media, and the line shows at once.
  useEffect(() => {
    setCurrentMs(startAt * 1000);
  }, [startAt]);

  // What is typed settles for a moment before it is searched; a newer search aborts the older one.
  const [searched, setSearched] = useState(findText.trim());
  useEffect(() => {
    const timer = setTimeout(() => setSearched(findText.trim()), 200);
    return () => clearTimeout(timer);
  }, [findText]);
  const search = useQuery({ ...transcriptSearchQuery(id, searched), enabled: Boolean(call && searched) });
  const found = useMemo(
    () => (findText.trim() && search.data ? search.data.lines : []),
    [findText, search.data],
  );
  // From a search result: the first match at or after the moment opened (only a new answer moves it).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a refreshed call keeps the match one is on
  useEffect(() => {
    const lines = search.data?.lines ?? [];
    const fromHere = lines.findIndex((seq) => (call?.transcript[seq]?.endMs ?? 0) > startAt * 1000);
    setFoundIndex(Math.max(0, fromHere));
  }, [search.data]);

  const video = call?.media.find((media) => media.kind === 'video');
  const audio = call?.media.find((media) => media.kind === 'audio');
  const captions = call?.media.find((media) => media.kind === 'transcript');
  const source = video ?? audio;
  const activeIndex = call
    ? call.transcript.findIndex((line) => currentMs >= line.startMs && currentMs < line.endMs)
    : -1;
  const focusedLine = found.length > 0 ? found[foundIndex % found.length] : undefined;

  useEffect(() => {
    const line = focusedLine ?? activeIndex;
    if (line < 0) return;
    document.querySelector(`[data-line="${line}"]`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [activeIndex, focusedLine]);

  const seek = (ms: number) => {
    stopAt.current = null;
    setCurrentMs(ms);
    if (!player.current) return;
    player.current.currentTime = ms / 1000;
    void player.current.play().catch((error: unknown) => {
      // The browser may refuse to start playing (NotAllowedError: its autoplay policy) or a later seek
      // may interrupt this one (AbortError): the player then waits at the right time for its own play
      // button. Anything else is a fault worth seeing.
      if (error instanceof DOMException && ['NotAllowedError', 'AbortError'].includes(error.name)) return;
      console.warn('the player could not start', error);
    });
  };
  // A highlight plays on its own: from its start, pausing at its end.
  const playRange = (startMs: number, endMs: number) => {
    seek(startMs);
    stopAt.current = endMs;
  };
  const step = (by: number) => {
    if (found.length === 0 || !call) return;
    const next = (foundIndex + by + found.length) % found.length;
    setFoundIndex(next);
    const line = call.transcript[found[next]!];
    if (line) seek(line.startMs);
  };
  const onLoadedMetadata = () => {
    if (player.current && startAt > 0) player.current.currentTime = startAt;
  };

  if (error)
    return (
      <>
        <Banner tone="error" testId="call-error">
          {error}
        </Banner>
        <p>
          <Link to="/calls">← {t('calls.backToList')}</Link>
        </p>
      </>
    );
  if (!call) return <p className="muted">{t('common.loading')}</p>;
  const playerProps = {
    ref: player,
    controls: true,
    preload: 'metadata',
    src: source?.url,
    'data-testid': 'call-player',
    onLoadedMetadata,
    onTimeUpdate: (event: { currentTarget: HTMLMediaElement }) => {
      const ms = event.currentTarget.currentTime * 1000;
      setCurrentMs(ms);
      if (stopAt.current !== null && ms >= stopAt.current) {
        stopAt.current = null;
        event.currentTarget.pause();
      }
    },
  } as const;
  return (
    <>
      <PageHeader
        eyebrow={t('calls.title')}
        title={call.topic}
        description={`${formatDateTime(call.startedAt)} · ${formatDuration(call.durationSeconds)} · ${call.host?.name ?? ''}`}
      />
      <p>
        <Link to="/calls">← {t('callLibrary.back')}</Link>
      </p>
      <div className="call-layout">
        <div className="call-side">
          <section className="card call-player" aria-label={t('callLibrary.player')}>
            {source ? (
              source.kind === 'video' ? (
                <video {...playerProps}>
                  {captions ? (
                    <track
                      kind="captions"
                      src={captions.url}
                      srcLang={call.language}
                      label={t(`library.language.${call.language}`)}
                      default
                    />
                  ) : null}
                </video>
              ) : (
                <audio {...playerProps} />
              )
            ) : (
              <p className="muted">{t('callLibrary.noMedia')}</p>
            )}
            <ul className="people" data-testid="people">
              {call.people.map((person) => (
                <li key={person.name}>
                  {person.name}{' '}
                  <span
                    className={`badge ${person.isInternal ? 'badge-neutral' : 'badge-warning'}`}
                    title={t(person.decidedBy === 'email' ? 'people.byEmail' : 'people.byName')}
                  >
                    {person.isInternal ? t('library.internal') : t('library.external')}
                  </span>
                </li>
              ))}
            </ul>
            {call.media.some((media) => media.kind === 'video' || media.kind === 'audio') ? (
              <p className="link-list">
                {call.media
                  .filter((media) => media.kind === 'video' || media.kind === 'audio')
                  .map((media) => (
                    <a key={media.fileId} href={media.url} download>
                      {t(media.kind === 'video' ? 'library.download.video' : 'library.download.audio')}
                    </a>
                  ))}
              </p>
            ) : null}
          </section>
          {/* Zoom's summary only when Zoom wrote one: nothing at all otherwise. */}
          {call.zoomSummary ? (
            <section className="card" aria-label={t('zoomSummary.title')} data-testid="zoom-summary">
              <h2 className="section-title">{t('zoomSummary.title')}</h2>
              <p className="muted">
                {call.zoomSummary.isEdited ? t('zoomSummary.edited') : t('zoomSummary.source')}
              </p>
              {call.zoomSummary.overview ? <p>{call.zoomSummary.overview}</p> : null}
              {/* Zoom's Markdown of the whole summary, as text: shown when Zoom sent no sections. */}
              {call.zoomSummary.content &&
              !call.zoomSummary.overview &&
              call.zoomSummary.details.length === 0 &&
              call.zoomSummary.nextSteps.length === 0 ? (
                <p className="zoom-summary-content" data-testid="zoom-summary-content">
                  {call.zoomSummary.content}
                </p>
              ) : null}
              {call.zoomSummary.details.length > 0 ? (
                <>
                  <h3>{t('zoomSummary.topics')}</h3>
                  <dl className="zoom-summary-topics">
                    {call.zoomSummary.details.map((detail) => (
                      <div key={`${detail.label}\u0000${detail.summary}`}>
                        <dt>{detail.label}</dt>
                        <dd>{detail.summary}</dd>
                      </div>
                    ))}
                  </dl>
                </>
              ) : null}
              {call.zoomSummary.nextSteps.length > 0 ? (
                <>
                  <h3>{t('zoomSummary.nextSteps')}</h3>
                  <ul data-testid="zoom-next-steps">
                    {call.zoomSummary.nextSteps.map((step) => (
                      <li key={step}>{step}</li>
                    ))}
                  </ul>
                </>
              ) : null}
              {call.zoomSummary.docUrl ? (
                <p>
                  <a href={call.zoomSummary.docUrl} target="_blank" rel="noreferrer noopener">
                    {t('zoomSummary.openInZoomDocs')}
                  </a>
                </p>
              ) : null}
            </section>
          ) : null}
          {call.talkTime.length > 0 ? (
            <section className="card" aria-label={t('library.talkTime')} data-testid="talk-time">
              <h2 className="section-title">{t('library.talkTime')}</h2>
              <ul className="talk-time">
                {call.talkTime.map((entry) => (
                  <li key={entry.speaker}>
                    <span>{entry.speaker || t('callLibrary.unknownSpeaker')}</span>
                    <span className="talk-bar" aria-hidden="true">
                      <span style={{ width: `${Math.round(entry.share * 100)}%` }} />
                    </span>
                    <span className="mono">{Math.round(entry.share * 100)} %</span>
                  </li>
                ))}
              </ul>
              {call.longestMonologue ? (
                <p className="muted">
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => seek(call.longestMonologue!.startMs)}
                  >
                    {t('library.longestMonologue', {
                      speaker: call.longestMonologue.speaker,
                      duration: formatClock(call.longestMonologue.endMs - call.longestMonologue.startMs),
                      at: formatClock(call.longestMonologue.startMs),
                    })}
                  </button>
                </p>
              ) : null}
            </section>
          ) : null}
          <CallNotes call={call} currentMs={currentMs} seek={seek} playRange={playRange} />
          <CallSharing call={call} />
          {call.chat.length > 0 ? (
            <section className="card" aria-label={t('library.chat')} data-testid="chat">
              <h2 className="section-title">{t('callLibrary.chat', { count: call.chat.length })}</h2>
              <ul className="chat-list">
                {call.chat.map((message, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: chat lines have no id and never reorder
                  <li key={index}>
                    <button type="button" className="link-button" onClick={() => seek(chatMs(message.at))}>
                      <span className="mono">{message.at}</span>
                    </button>{' '}
                    <strong>{message.sender}</strong> {message.text}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
        <section
          className="card transcript"
          aria-label={t('callLibrary.transcript')}
          data-testid="transcript"
        >
          <h2 className="section-title">{t('callLibrary.transcript')}</h2>
          {call.transcript.length === 0 ? (
            <p className="muted" data-testid="no-transcript" data-reason={call.transcriptMissing ?? ''}>
              {t('callLibrary.noTranscript')}{' '}
              {call.transcriptMissing ? t(`transcriptMissing.${call.transcriptMissing}`) : null}
            </p>
          ) : (
            <div className="toolbar transcript-find">
              <InlineInput
                type="search"
                label={t('library.findInTranscript')}
                value={findText}
                onValue={setFindText}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') step(event.shiftKey ? -1 : 1);
                }}
              />
              <span className="muted" aria-live="polite" data-testid="find-count">
                {findText.trim()
                  ? found.length > 0
                    ? t('library.matchOf', { index: (foundIndex % found.length) + 1, count: found.length })
                    : t('library.noMatchInCall')
                  : null}
              </span>
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => step(-1)}
                disabled={!found.length}
              >
                {t('library.previous')}
              </button>
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => step(1)}
                disabled={!found.length}
              >
                {t('library.next')}
              </button>
            </div>
          )}
          <ol className="transcript-lines">
            {call.transcript.map((line, index) => (
              <li
                key={`${line.startMs}-${line.endMs}-${line.speaker}`}
                data-line={index}
                className={[
                  index === activeIndex ? 'is-current' : '',
                  found.includes(index) ? 'is-match' : '',
                  index === focusedLine ? 'is-focused' : '',
                ]
                  .filter(Boolean)
                  .join(' ')}
                aria-current={index === activeIndex ? 'true' : undefined}
              >
                <button type="button" className="transcript-line" onClick={() => seek(line.startMs)}>
                  <span className="mono muted">{formatClock(line.startMs)}</span>
                  <strong>{line.speaker || t('callLibrary.unknownSpeaker')}</strong>
                  <span>{line.text}</span>
                </button>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
