import { insertAuditEntry } from '../accounts/index.ts';
import type { SharedCall } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
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
export async function openSharedCall(db: Db, token: string, now: Date): Promise<SharedCall> {
  const { share, call } = await findOpenShare(db, token, now);
  const highlight = share.highlightId ? await findHighlight(db, call.id, share.highlightId) : undefined;
  const [files, transcript] = await Promise.all([
    listCallFiles(db, call.recordingId),
    listTranscript(db, call.id),
  ]);
  await insertAuditEntry(db, {
    organizationId: share.organizationId,
    actorUserId: null,
    action: 'call.share_viewed',
    target: call.id,
    details: { shareId: share.id },
  });
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
    media: files
      // A highlight's link shows its own lines only: no VTT of the whole call.
      .filter(
        (file) =>
          file.storageKey && sharedKinds[file.fileType] && !(highlight && file.fileType === 'TRANSCRIPT'),
      )
      .map((file) => ({
        kind: sharedKinds[file.fileType]!,
        url: `/api/shared/${token}/media/${file.id}`,
      })),
    transcript: transcript
      .filter(inRange)
      .map(({ speaker, startMs, endMs, text }) => ({ speaker, startMs, endMs, text })),
    expiresAt: share.expiresAt!.toISOString(),
  };
}
