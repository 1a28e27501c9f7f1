import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '@/api.ts';
import { Banner } from '@/components/banner.tsx';
import { EmptyState } from '@/components/empty-state.tsx';
import { Logo } from '@/components/layout.tsx';
import { useDocumentTitle } from '@/components/use-document-title.ts';
import { describeError } from '@/errors.ts';
import { formatClock, formatDateTime, formatDuration } from '@/format.ts';
import { sharedCallQuery } from '@/queries.ts';

/** A public link, opened without signing in: that call's (or highlight's) media and transcript only. */
export function SharedCallPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const result = useQuery(sharedCallQuery(token));
  const shared = result.data ?? null;
  const error = result.error
    ? {
        isGone: result.error instanceof ApiError && result.error.status === 404,
        message: describeError(t, result.error),
      }
    : null;
  useDocumentTitle(shared?.topic ?? t('shared.title'));

  // A highlight's media is its own clip (the server cuts it): it plays from 0 to the highlight's end.
  const highlight = shared?.highlight ?? null;

  if (error) {
    return (
      <main className="shared-page">
        <Logo />
        {error.isGone ? (
          <EmptyState icon="lock" title={t('shared.goneTitle')} testId="shared-gone">
            <p>{t('shared.goneBody')}</p>
          </EmptyState>
        ) : (
          <Banner tone="error">{error.message}</Banner>
        )}
      </main>
    );
  }
  if (!shared) return <p className="muted">{t('common.loading')}</p>;
  const video = shared.media.find((media) => media.kind === 'video');
  const source = video ?? shared.media.find((media) => media.kind === 'audio');
  const captions = shared.media.find((media) => media.kind === 'transcript');
  const playerProps = {
    controls: true,
    preload: 'metadata',
    src: source?.url,
    'data-testid': 'shared-player',
  } as const;
  return (
    <main className="shared-page" data-testid="shared-call">
      <Logo />
      <h1>{highlight ? highlight.title : shared.topic}</h1>
      <p className="muted">
        {highlight
          ? `${shared.topic} · ${formatClock(highlight.startMs)}–${formatClock(highlight.endMs)} · `
          : ''}
        {formatDateTime(shared.startedAt)} · {formatDuration(shared.durationSeconds)}
      </p>
      {source ? (
        source.kind === 'video' ? (
          <video {...playerProps}>
            {captions ? <track kind="captions" src={captions.url} srcLang={shared.language} default /> : null}
          </video>
        ) : (
          <audio {...playerProps} />
        )
      ) : null}
      <ol className="transcript-lines" data-testid="shared-transcript">
        {shared.transcript.map((line) => (
          <li key={`${line.startMs}-${line.speaker}`}>
            <span className="mono muted">{formatClock(line.startMs)}</span> <strong>{line.speaker}</strong>{' '}
            {line.text}
          </li>
        ))}
      </ol>
      <p className="muted">{t('shared.expires', { date: formatDateTime(shared.expiresAt) })}</p>
    </main>
  );
}
