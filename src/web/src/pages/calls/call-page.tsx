import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { CallDetail } from '../../../../contract/index.ts';
import { api } from '../../api.ts';
import { Banner } from '../../components/banner.tsx';
import { PageHeader } from '../../components/layout.tsx';
import { useDocumentTitle } from '../../components/use-document-title.ts';
import { describeError } from '../../errors.ts';
import { formatDateTime, formatDuration } from './calls-page.tsx';

function clock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A call: the player and the transcript in sync (current line highlighted, click a line to seek). */
export function CallPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [call, setCall] = useState<CallDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [currentMs, setCurrentMs] = useState(0);
  const player = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useDocumentTitle(call?.topic ?? t('calls.title'));

  useEffect(() => {
    api
      .getCall(id)
      .then(setCall)
      .catch((cause: unknown) => setError(describeError(t, cause)));
  }, [id, t]);

  const video = call?.media.find((media) => media.kind === 'video');
  const audio = call?.media.find((media) => media.kind === 'audio');
  const source = video ?? audio;
  const activeIndex = call
    ? call.transcript.findIndex((line) => currentMs >= line.startMs && currentMs < line.endMs)
    : -1;

  useEffect(() => {
    if (activeIndex < 0) return;
    document
      .querySelector(`[data-line="${activeIndex}"]`)
      ?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [activeIndex]);

  const seek = (ms: number) => {
    if (!player.current) return;
    player.current.currentTime = ms / 1000;
    void player.current.play().catch(() => {});
  };

  if (error) return <Banner tone="error">{error}</Banner>;
  if (!call) return <p className="muted">{t('common.loading')}</p>;
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
        <section className="card call-player" aria-label={t('callLibrary.player')}>
          {source ? (
            source.kind === 'video' ? (
              // biome-ignore lint/a11y/useMediaCaption: the synchronised transcript beside the player is the caption
              <video
                ref={player}
                controls
                preload="metadata"
                src={source.url}
                data-testid="call-player"
                onTimeUpdate={(event) => setCurrentMs(event.currentTarget.currentTime * 1000)}
              />
            ) : (
              // biome-ignore lint/a11y/useMediaCaption: the synchronised transcript beside the player is the caption
              <audio
                ref={player}
                controls
                preload="metadata"
                src={source.url}
                data-testid="call-player"
                onTimeUpdate={(event) => setCurrentMs(event.currentTarget.currentTime * 1000)}
              />
            )
          ) : (
            <p className="muted">{t('callLibrary.noMedia')}</p>
          )}
          <p className="muted">{t('callLibrary.participants', { names: call.participants.join(', ') })}</p>
          {call.chat.length > 0 ? (
            <details>
              <summary>{t('callLibrary.chat', { count: call.chat.length })}</summary>
              <ul className="chat-list">
                {call.chat.map((message, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: chat lines have no id and never reorder
                  <li key={index}>
                    <span className="mono">{message.at}</span> <strong>{message.sender}</strong>{' '}
                    {message.text}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>
        <section
          className="card transcript"
          aria-label={t('callLibrary.transcript')}
          data-testid="transcript"
        >
          <h2 className="section-title">{t('callLibrary.transcript')}</h2>
          {call.transcript.length === 0 ? <p className="muted">{t('callLibrary.noTranscript')}</p> : null}
          <ol className="transcript-lines">
            {call.transcript.map((line, index) => (
              <li
                key={`${line.startMs}-${line.endMs}-${line.speaker}`}
                data-line={index}
                className={index === activeIndex ? 'is-current' : undefined}
                aria-current={index === activeIndex ? 'true' : undefined}
              >
                <button type="button" className="transcript-line" onClick={() => seek(line.startMs)}>
                  <span className="mono muted">{clock(line.startMs)}</span>
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
