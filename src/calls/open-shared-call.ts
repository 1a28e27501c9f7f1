import { insertAuditEntryBy } from '../accounts/index.ts';
import type { SharedCall } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { BlobStore } from '../storage/index.ts';
import type { HighlightClip } from './cut-highlight-clip.ts';
import { findHighlight, findShareByToken, listCallFiles, listTranscript } from './queries.ts';
import { hashShareToken } from './share-call.ts';

const sharedKinds: Record<string, 'video' | 'audio' | 'transcript'> = {
  MP4: 'video',
  M4A: 'audio',
  TRANSCRIPT: 'transcript',
};

/**
 * The share behind a public link, if it still opens: not revoked, not expired, public links allowed.
 * Any other case is the same "not found", so a link reveals nothing once it stops.
 */
export async function findOpenShare(db: Db, token: string, now: Date) {
  const found = await findShareByToken(db, hashShareToken(token));
  if (
    !found ||
    found.share.revokedAt ||
    !found.share.expiresAt ||
    found.share.expiresAt <= now ||
    !found.allowPublicLinks
  ) {
    throw new AppError('not_found', 'This link has expired or was revoked.', { reason: 'share_unavailable' });
  }
  return found;
}

/** What a public link shows without sign-in: that call's (or highlight's) media and transcript; audited. */
export async function openSharedCall(
  db: Db,
  store: BlobStore,
  token: string,
  now: Date,
): Promise<SharedCall> {
  const { share, call } = await findOpenShare(db, token, now);
  const highlight = share.highlightId ? await findHighlight(db, call.id, share.highlightId) : undefined;
  const [files, transcript] = await Promise.all([
    listCallFiles(db, call.recordingId),
    listTranscript(db, call.id),
  ]);
  const media = highlight
    ? await listHighlightMedia(store, call, highlight, files, token)
    : files
        .filter((file) => file.storageKey && sharedKinds[file.fileType])
        .map((file) => ({ kind: sharedKinds[file.fileType]!, url: `/api/shared/${token}/media/${file.id}` }));
  await insertAuditEntryBy(
    db,
    { organizationId: share.organizationId, userId: null },
    { action: 'call.share_viewed', target: call.id, details: { shareId: share.id } },
  );
  const inRange = (line: { startMs: number; endMs: number }) =>
    !highlight || (line.endMs > highlight.startMs && line.startMs < highlight.endMs);
  return {
    topic: call.topic,
    startedAt: call.startedAt.toISOString(),
    durationSeconds: call.durationSeconds,
    language: call.language,
    highlight: highlight
      ? { title: highlight.title, startMs: highlight.startMs, endMs: highlight.endMs }
      : null,
    media,
    transcript: transcript
      .filter(inRange)
      .map(({ speaker, startMs, endMs, text }) => ({ speaker, startMs, endMs, text })),
    expiresAt: share.expiresAt!.toISOString(),
  };
}

type CallFile = Awaited<ReturnType<typeof listCallFiles>>[number];
type SharedHighlight = NonNullable<Awaited<ReturnType<typeof findHighlight>>>;

/**
 * The clip of one of the call's MP4/M4A files cut to the highlight, for a highlight's public link:
 * the link never streams the whole call, and never the VTT of the whole call.
 */
export async function findSharedHighlightClip(
  store: BlobStore,
  call: { organizationId: string; recordingId: string },
  highlight: SharedHighlight,
  file: CallFile,
): Promise<HighlightClip | null> {
  if (file.fileType !== 'MP4' && file.fileType !== 'M4A') return null;
  // The media library is loaded the first time a clip is cut (about 15 MB a process otherwise keeps).
  const { findOrCutHighlightClip } = await import('./cut-highlight-clip.ts');
  return findOrCutHighlightClip(store, { ...call, file, highlight });
}

async function listHighlightMedia(
  store: BlobStore,
  call: { organizationId: string; recordingId: string },
  highlight: SharedHighlight,
  files: CallFile[],
  token: string,
): Promise<SharedCall['media']> {
  const media: SharedCall['media'] = [];
  for (const file of files) {
    const clip = await findSharedHighlightClip(store, call, highlight, file);
    // A video whose highlight holds no key frame is cut to its audio only.
    if (clip)
      media.push({ kind: clip.hasVideo ? 'video' : 'audio', url: `/api/shared/${token}/media/${file.id}` });
  }
  return media;
}
